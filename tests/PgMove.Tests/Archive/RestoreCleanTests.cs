using PgMove.Tests.Copy;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Archive;

/// <summary>
/// restore --clean, for pgmove's archives and pg_dump's: a target that is not empty is refused without it; with it,
/// what the restore creates is dropped first and the target ends equal to the source (large objects too, and inside
/// the one transaction of --single-transaction); an object only the target has makes it refuse, nothing dropped.
/// </summary>
[Collection("clusters")]
public sealed class RestoreCleanTests(ClusterPair clusters)
{
    const string LargeObjects = "SELECT string_agg(oid::text || ':' || md5(lo_get(oid)), ',' ORDER BY oid) FROM pg_largeobject_metadata";

    async Task<string> ArchiveAsync(string db, string kind)
    {
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, HardCasesCopyTests.Schema.Replace("CURRENT", db));
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var archive = ArchiveFixture.NewDirectory();
        if (kind == "pg_dump")
            PostgresCluster.Run(Path.Combine(PostgresCluster.BinDirectory, "pg_dump"),
                ["--format=directory", $"--file={archive}", $"--dbname={clusters.Source.Uri(db)}"]);
        else
        {
            var dump = await PgMoveProcess.RunAsync("dump", "--source", clusters.Source.Uri(db), "--archive", archive);
            Assert.True(dump.ExitCode == 0, dump.ToString());
        }
        return archive;
    }

    Task<PgMoveProcess.Result> RestoreAsync(string db, string archive, params string[] extra) =>
        PgMoveProcess.RunAsync(["restore", "--archive", archive, "--target", clusters.Target.Uri(db), "--dir", PgMoveProcess.StateDir(), .. extra]);

    async Task AssertEqualAsync(string db)
    {
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        Assert.Equal(await clusters.Source.ScalarAsync<string>(db, LargeObjects), await clusters.Target.ScalarAsync<string>(db, LargeObjects));
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgmove_scratch_%'"));
    }

    [Theory]
    [InlineData("pgmove")]
    [InlineData("pg_dump")]
    public async Task Clean_drops_what_the_restore_creates_and_the_target_ends_equal_to_the_source(string kind)
    {
        var db = "rclean_" + kind;
        var archive = await ArchiveAsync(db, kind);
        var first = await RestoreAsync(db, archive);
        Assert.True(first.ExitCode == 0, first.ToString());
        // The target drifts: rows the archive does not have, a large object changed, a table dropped.
        await clusters.Target.ExecuteAsync(db, """
            INSERT INTO "UPPER" VALUES (1000, NULL); DELETE FROM no_pk; DROP TABLE zero_columns;
            SELECT lo_put(oid, 0, '\x00ff'::bytea) FROM pg_largeobject_metadata ORDER BY oid LIMIT 1;
            """);

        var refused = await RestoreAsync(db, archive);
        Assert.True(refused.ExitCode == 6, refused.ToString());
        Assert.Contains("use --clean", refused.Stderr);

        var clean = await RestoreAsync(db, archive, "--clean", "--verify");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains("--clean: dropping on the target", clean.Output);
        await AssertEqualAsync(db);

        if (kind == "pgmove")
        {
            // Inside --single-transaction the drops are part of the one transaction.
            var single = await RestoreAsync(db, archive, "--clean", "--single-transaction");
            Assert.True(single.ExitCode == 0, single.ToString());
            await AssertEqualAsync(db);
        }
    }

    [Theory]
    [InlineData("pgmove")]
    [InlineData("pg_dump")]
    public async Task An_object_only_the_target_has_makes_clean_refuse_and_nothing_is_dropped(string kind)
    {
        var db = "rclean_refuse_" + kind;
        var archive = await ArchiveAsync(db, kind);
        var first = await RestoreAsync(db, archive);
        Assert.True(first.ExitCode == 0, first.ToString());
        await clusters.Target.ExecuteAsync(db, "CREATE TABLE public.ux_precious (v text); INSERT INTO ux_precious VALUES ('keep me')");
        var before = DatabaseComparer.SchemaDump(clusters.Target, db);

        var refused = await RestoreAsync(db, archive, "--clean");
        Assert.True(refused.ExitCode == 6, refused.ToString());
        Assert.Contains("--clean refuses", refused.Stderr);
        Assert.Contains("table public.ux_precious", refused.Stderr);
        Assert.Contains("the archive does not have", refused.Stderr);
        Assert.Equal(before, DatabaseComparer.SchemaDump(clusters.Target, db));
        Assert.Equal("keep me", await clusters.Target.ScalarAsync<string>(db, "SELECT v FROM ux_precious"));
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgmove_scratch_%'"));
    }
}
