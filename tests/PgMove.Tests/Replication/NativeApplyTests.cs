using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Replication;

/// <summary>
/// <c>sync --apply native</c>: pgmove copies, a native subscription on pgmove's slot applies; a kill -9 of pgmove
/// loses nothing (the subscription goes on, a new sync follows it), the cutover waits for the fence, and nothing is
/// left: no subscription on the target, no slot, publication or origin.
/// </summary>
[Collection("clusters")]
public sealed class NativeApplyTests(ClusterPair clusters)
{
    [Fact]
    public async Task Native_apply_under_pgbench_survives_kill_9_and_cuts_over_to_an_equal_target()
    {
        const string db = "sync_native";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        SyncFixtures.PgBench(clusters.Source, db, "-i", "--foreign-keys", "-s", "1", "-q");
        var dir = PgMoveProcess.StateDir();
        var args = SyncFixtures.Args("sync", clusters, db, dir, "--set-replica-identity-full", "--apply", "native");
        using (var first = BackgroundPgMove.Start(args))
        {
            await first.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            Assert.Equal(1L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pg_subscription WHERE subname LIKE 'pgmove\\_%'"));
            SyncFixtures.PgBench(clusters.Source, db, "-c", "2", "-T", "4");
            first.Kill9();
        }
        SyncFixtures.PgBench(clusters.Source, db, "-c", "2", "-T", "3");
        var history = await clusters.Source.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history");

        File.Delete(Path.Combine(dir, "sync.json")); // the killed sync's says "streaming": wait for the new one's
        using var second = BackgroundPgMove.Start(args);
        await second.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        var status = await PgMoveProcess.RunAsync(SyncFixtures.Args("status", clusters, db, dir));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("streaming", status.Stdout);
        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + second.Output);
        Assert.Contains("verification (checksums): equal", cutover.Stdout);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, second.Output);

        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pg_subscription"));
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_replication_origin WHERE roname LIKE 'pg\\_%'"));
        Assert.Equal(history, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history"));
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    [Fact]
    public async Task Cleanup_drops_the_native_subscription_before_the_slot()
    {
        const string db = "sync_native_cleanup";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);");
        var dir = PgMoveProcess.StateDir();
        using (var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir, "--apply", "native")))
        {
            await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            sync.Kill9();
        }
        var cleanup = await PgMoveProcess.RunAsync(["cleanup", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--dir", dir]);
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        Assert.Contains("native subscription", cleanup.Stdout);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pg_subscription"));
    }
}
