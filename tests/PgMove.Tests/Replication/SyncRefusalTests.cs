using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Replication;

/// <summary>Starts that must not happen, and must change nothing on either side.</summary>
[Collection("clusters")]
public sealed class SyncRefusalTests(ClusterPair clusters)
{
    [Fact]
    public async Task A_table_without_primary_key_stops_sync_before_anything_is_created()
    {
        const string db = "sync_refuse";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE keyed (id int PRIMARY KEY); CREATE TABLE loose (a int, b text); INSERT INTO loose VALUES (1, 'x');");

        var result = await PgMoveProcess.RunAsync(SyncFixtures.Args("sync", clusters, db, PgMoveProcess.StateDir()));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("public.loose", result.Stderr);
        Assert.Contains("--set-replica-identity-full", result.Stderr);
        Assert.DoesNotContain("keyed", result.Stderr);
        Assert.Equal("d", await clusters.Source.ScalarAsync<string>(db, "SELECT relreplident::text FROM pg_class WHERE relname = 'loose'"));
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
    }

    [Fact]
    public async Task Cutover_without_a_running_sync_fails_and_fences_nothing()
    {
        const string db = "sync_no_sync";
        await clusters.Source.CreateDatabaseAsync(db);

        var result = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, PgMoveProcess.StateDir()));

        Assert.True(result.ExitCode == 11, result.ToString()); // refused
        Assert.Contains("no pgmove sync is running", result.Stderr);
        Assert.Equal("off", await clusters.Source.ScalarAsync<string>(db, "SHOW default_transaction_read_only"));
        var status = await PgMoveProcess.RunAsync(SyncFixtures.Args("status", clusters, db, PgMoveProcess.StateDir()));
        Assert.True(status.ExitCode == 1, status.ToString());
        Assert.Contains("not running", status.Stdout);
    }

    [Fact]
    public async Task A_source_user_without_replication_is_refused_before_anything_is_created()
    {
        const string db = "sync_norepl";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, """
            DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'no_repl') THEN
              CREATE ROLE no_repl LOGIN PASSWORD 'pw 1'; END IF; END $$;
            CREATE TABLE t (id int PRIMARY KEY); GRANT SELECT ON t TO no_repl;
            """);

        var result = await PgMoveProcess.RunAsync("sync", "--source", clusters.Source.Uri(db, "no_repl", "pw 1"),
            "--target", clusters.Target.Uri(db), "--dir", PgMoveProcess.StateDir());

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Contains("REPLICATION", result.Stderr);
        Assert.DoesNotContain("pw 1", result.Output);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
    }
}
