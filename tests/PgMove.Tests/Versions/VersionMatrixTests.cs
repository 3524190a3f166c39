using PgMove.Tests.Copy;
using PgMove.Tests.Infrastructure;
using PgMove.Tests.Preflight;

namespace PgMove.Tests.Versions;

/// <summary>
/// Upgrades across major versions: check, then copy --verify, for each dataset and each (source, target) pair, and
/// the target proven equal to the source as the target server deparses it (<see cref="CrossVersionComparer"/>).
/// Sources stop at 15: pg_dump 15 is the newest this machine has.
/// </summary>
[Collection("versions")]
public sealed class VersionMatrixTests(VersionServers servers)
{
    public static readonly (int Source, int Target)[] Pairs = [(12, 15), (12, 18), (13, 17), (14, 16), (15, 17), (15, 18)];
    static readonly string[] SharedDatasets = ["pagila", "chinook", "northwind"];

    public static TheoryData<int, int, string> Matrix() => MatrixOf(SharedDatasets);

    public static TheoryData<int, int, string> HardCasesMatrix() => MatrixOf(["hard_cases"]);

    static TheoryData<int, int, string> MatrixOf(string[] datasets)
    {
        var data = new TheoryData<int, int, string>();
        foreach (var (source, target) in Pairs)
            foreach (var dataset in datasets)
                data.Add(source, target, dataset);
        return data;
    }

    /// <summary>The shared datasets (skipped, saying so, when their folder is missing outside CI).</summary>
    [DatasetTheory]
    [MemberData(nameof(Matrix))]
    public Task Copy_across_versions_leaves_an_equal_database(int sourceMajor, int targetMajor, string dataset) =>
        CopyAcrossVersionsAsync(sourceMajor, targetMajor, dataset);

    /// <summary>The hard-cases database ships with the tests: it runs everywhere.</summary>
    [Theory]
    [MemberData(nameof(HardCasesMatrix))]
    public Task Copy_of_the_hard_cases_across_versions_leaves_an_equal_database(int sourceMajor, int targetMajor, string dataset) =>
        CopyAcrossVersionsAsync(sourceMajor, targetMajor, dataset);

    async Task CopyAcrossVersionsAsync(int sourceMajor, int targetMajor, string dataset)
    {
        var source = await servers.GetAsync(sourceMajor);
        var target = await servers.GetAsync(targetMajor);
        var sourceDb = await servers.SourceDatabaseAsync(sourceMajor, dataset, (c, db) => LoadAsync(c, dataset, db));
        var targetDb = $"from{sourceMajor}_{dataset}";
        await target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{targetDb}\" WITH (FORCE)");

        var check = await CheckRun.RunAsync("--source", source.Uri(sourceDb), "--target", target.Uri(targetDb));
        check.ExpectExit(0);
        Assert.Contains($"upgrade from {sourceMajor} to {targetMajor}", check.Expect("versions", "ok").Evidence);
        check.Expect("pg_dump", "ok");

        var copy = await PgMoveProcess.RunAsync("copy", "--source", source.Uri(sourceDb), "--target", target.Uri(targetDb),
            "--jobs", "2", "--dir", PgMoveProcess.StateDir(), "--verify");
        Assert.True(copy.ExitCode == 0, copy.ToString());
        Assert.Contains("equal: schema and", copy.Stdout); // pgmove verify, across the two versions, found no difference

        await CrossVersionComparer.AssertEqualAsync(source, sourceDb, target, targetDb);
        await target.ExecuteAsync("postgres", $"DROP DATABASE \"{targetDb}\" WITH (FORCE)");
    }

    /// <summary>Loads a shared dataset, or the hard-cases database of <see cref="HardCasesCopyTests"/>.</summary>
    internal static async Task LoadAsync(PostgresCluster cluster, string dataset, string database)
    {
        if (dataset == "hard_cases")
            await cluster.ExecuteAsync(database, HardCasesCopyTests.Schema.Replace("ALTER DATABASE CURRENT", $"ALTER DATABASE {database}"));
        else
            PostgresCluster.Run("bash", Datasets.LoadScript, dataset, cluster.Uri(database));
    }
}
