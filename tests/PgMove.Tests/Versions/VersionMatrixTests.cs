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
    static readonly string[] Datasets = ["pagila", "chinook", "northwind", "hard_cases"];

    public static TheoryData<int, int, string> Matrix()
    {
        var data = new TheoryData<int, int, string>();
        foreach (var (source, target) in Pairs)
            foreach (var dataset in Datasets)
                data.Add(source, target, dataset);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Copy_across_versions_leaves_an_equal_database(int sourceMajor, int targetMajor, string dataset)
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
            PostgresCluster.Run("bash", Path.Combine(DatasetCopyTests.DatasetsDirectory, "load.sh"), dataset, cluster.Uri(database));
    }
}
