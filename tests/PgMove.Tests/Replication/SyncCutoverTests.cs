using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Replication;

/// <summary>The whole online migration: sync while pgbench and SQL writers run, status, cutover, an equal target, nothing left.</summary>
[Collection("clusters")]
public sealed class SyncCutoverTests(ClusterPair clusters)
{
    [Fact]
    public async Task Changes_written_during_sync_reach_the_target_and_cutover_leaves_an_equal_database()
    {
        const string db = "sync_main";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        SyncFixtures.PgBench(clusters.Source, db, "-i", "--foreign-keys", "-s", "1", "-q");
        await clusters.Source.ExecuteAsync(db, SyncFixtures.HardSchema);
        var dir = PgMoveProcess.StateDir();

        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir, "--set-replica-identity-full"));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        var bench = Task.Run(() => SyncFixtures.PgBench(clusters.Source, db, "-c", "2", "-T", "6"));
        await clusters.Source.ExecuteAsync(db, SyncFixtures.HardWrites);
        await bench;
        var history = await clusters.Source.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history");
        Assert.True(history > 100, $"pgbench wrote only {history} history rows");

        var status = await PgMoveProcess.RunAsync(SyncFixtures.Args("status", clusters, db, dir));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("streaming", status.Stdout);
        Assert.Contains("WAL retained", status.Stdout);

        var dryRun = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir, "--dry-run"));
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Equal("off", await clusters.Source.ScalarAsync<string>(db, "SHOW default_transaction_read_only"));

        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Contains("write freeze", cutover.Stdout);
        Assert.Contains("verification (checksums): equal", cutover.Stdout);
        Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("the migration is complete", sync.Output);

        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        Assert.Equal(history, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history"));
        Assert.Equal(100000, await clusters.Target.ScalarAsync<int>(db, "SELECT length(body) FROM docs WHERE title = 'new'"));
    }

    [Fact]
    public async Task A_fence_no_cutover_asked_for_is_ignored()
    {
        const string db = "sync_stale_fence";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);");
        var dir = PgMoveProcess.StateDir();
        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));

        // What an abandoned cutover leaves in the WAL, replayed to a restarted sync.
        await clusters.Source.ExecuteAsync(db, "SELECT pg_logical_emit_message(true, 'pgmove', 'fence:stale'); INSERT INTO t VALUES (2);");
        await Task.Delay(1500);
        Assert.False(sync.HasExited, sync.Output);
        await clusters.Source.ExecuteAsync(db, "INSERT INTO t VALUES (3);");

        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(3L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM t"));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
    }
}
