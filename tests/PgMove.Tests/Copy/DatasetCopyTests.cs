using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>The third-party sample databases, copied end to end: schema, sequences and every row identical.</summary>
[Collection("clusters")]
public sealed class DatasetCopyTests(ClusterPair clusters)
{
    [DatasetTheory]
    [InlineData("pagila")]
    [InlineData("chinook")]
    [InlineData("chinook_identity")]
    [InlineData("northwind")]
    public async Task Dataset_copies_identically(string dataset)
    {
        var db = "ds_" + dataset;
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        PostgresCluster.Run("bash", Datasets.LoadScript, dataset, clusters.Source.Uri(db));

        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--jobs", "3", "--dir", PgMoveProcess.StateDir(), "--verify");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("pgmove copy: done", result.Stdout);
        Assert.Contains("equal: schema and", result.Stdout); // copy --verify: pgmove verify found no difference
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }
}
