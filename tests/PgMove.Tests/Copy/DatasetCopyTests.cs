using System.Diagnostics;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>The third-party sample databases, copied end to end: schema, sequences and every row identical.</summary>
[Collection("clusters")]
public sealed class DatasetCopyTests(ClusterPair clusters)
{
    internal static readonly string DatasetsDirectory = FindDatasets();

    [Theory]
    [InlineData("pagila")]
    [InlineData("chinook")]
    [InlineData("chinook_identity")]
    [InlineData("northwind")]
    public async Task Dataset_copies_identically(string dataset)
    {
        var db = "ds_" + dataset;
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        PostgresCluster.Run("bash", Path.Combine(DatasetsDirectory, "load.sh"), dataset, clusters.Source.Uri(db));

        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--jobs", "3", "--dir", PgMoveProcess.StateDir(), "--verify");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("pgmove copy: done", result.Stdout);
        Assert.Contains("equal: schema and", result.Stdout); // copy --verify: pgmove verify found no difference
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    /// <summary>$PGMOVE_DATASETS, else shared/datasets beside a parent of the test binaries, else /work/shared/datasets.</summary>
    static string FindDatasets()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PGMOVE_DATASETS") is { Length: > 0 } fromEnvironment) candidates.Add(fromEnvironment);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "shared", "datasets"));
            candidates.Add(Path.Combine(dir.FullName, "..", "shared", "datasets"));
        }
        candidates.Add("/work/shared/datasets");
        return candidates.Select(Path.GetFullPath).FirstOrDefault(c => File.Exists(Path.Combine(c, "load.sh")))
            ?? throw new UnreachableException("shared/datasets/load.sh not found (set PGMOVE_DATASETS)");
    }
}
