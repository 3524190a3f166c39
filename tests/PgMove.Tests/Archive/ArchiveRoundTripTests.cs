using PgMove.Tests.Copy;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Archive;

/// <summary>pgmove dump then pgmove restore into another server: the restored database equals the source.</summary>
[Collection("clusters")]
public sealed class ArchiveRoundTripTests(ClusterPair clusters)
{
    [DatasetTheory]
    [InlineData("pagila")]
    public async Task Dataset_dumps_and_restores_identically(string dataset)
    {
        var db = "arc_" + dataset;
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        PostgresCluster.Run("bash", Datasets.LoadScript, dataset, clusters.Source.Uri(db));

        await DumpAndRestoreAsync(db);

        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    [Fact]
    public async Task Hard_cases_dump_and_restore_identically()
    {
        const string db = "arc_hard_cases";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, HardCasesCopyTests.Schema.Replace("CURRENT", db));

        await DumpAndRestoreAsync(db);

        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        const string objects = "SELECT string_agg(encode(lo_get(oid), 'escape'), ',') FROM pg_largeobject_metadata";
        Assert.Equal(await clusters.Source.ScalarAsync<string>(db, objects), await clusters.Target.ScalarAsync<string>(db, objects));
        Assert.False(await clusters.Target.ScalarAsync<bool>(db, "SELECT relispopulated FROM pg_class WHERE relname = 'never_filled'"));
    }

    async Task DumpAndRestoreAsync(string db)
    {
        var archive = ArchiveFixture.NewDirectory();
        var dump = await PgMoveProcess.RunAsync("dump", "--source", clusters.Source.Uri(db), "--archive", archive, "--jobs", "2");
        Assert.True(dump.ExitCode == 0, dump.ToString());
        Assert.Contains("pgmove dump: done", dump.Stdout);
        Assert.True(File.Exists(Path.Combine(archive, "manifest.json")));
        // A schema in one file leaves the manifest as archives of earlier versions wrote it: they restore alike.
        Assert.DoesNotContain("\"Pieces\"", File.ReadAllText(Path.Combine(archive, "manifest.json")));

        var restore = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", clusters.Target.Uri(db),
            "--jobs", "2", "--verify", "--dir", PgMoveProcess.StateDir());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains("every table's row count matches the archive's manifest", restore.Stdout);
    }
}
