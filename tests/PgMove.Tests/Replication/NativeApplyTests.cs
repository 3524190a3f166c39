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
    public async Task A_kill_9_between_the_copy_and_the_subscription_attaches_it_on_resume_without_copying_again()
    {
        const string db = "sync_native_attach";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'copied' FROM generate_series(1, 1000) g;");
        var dir = PgMoveProcess.StateDir();
        var args = SyncFixtures.Args("sync", clusters, db, dir, "--apply", "native");
        // CREATE SUBSCRIPTION inserts into pg_subscription (a shared catalog): held up there, the copy is done and
        // the subscription not created when pgmove is killed.
        await using (var blocker = await clusters.Target.OpenAsync())
        {
            await using (var lockIt = new Npgsql.NpgsqlCommand("BEGIN; LOCK TABLE pg_subscription IN EXCLUSIVE MODE", blocker))
                await lockIt.ExecuteNonQueryAsync();
            using var first = BackgroundPgMove.Start(args);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (await clusters.Target.ScalarAsync<long>("postgres",
                       "SELECT count(*) FROM pg_locks WHERE relation = 'pg_subscription'::regclass AND NOT granted") == 0)
            {
                Assert.True(DateTime.UtcNow < deadline && !first.HasExited, "the sync never reached CREATE SUBSCRIPTION:\n" + first.Output);
                await Task.Delay(50);
            }
            first.Kill9();
            // Its server session would create the subscription once the lock is released: it dies with pgmove.
            const string waiting = $"FROM pg_stat_activity WHERE datname = '{db}' AND wait_event_type = 'Lock'";
            await clusters.Target.ExecuteAsync("postgres", $"SELECT pg_terminate_backend(pid) {waiting}");
            while (await clusters.Target.ScalarAsync<long>("postgres", $"SELECT count(*) {waiting}") > 0) await Task.Delay(20);
            Assert.Contains("copy done", first.Output);
        }
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pg_subscription"));
        // Changes made while no sync runs are kept by the slot; the copied rows are marked on the target: a new copy would undo the mark.
        await clusters.Target.ExecuteAsync(db, "UPDATE t SET v = 'not copied again' WHERE id = 1000");
        await clusters.Source.ExecuteAsync(db, "INSERT INTO t SELECT g, 'streamed' FROM generate_series(1001, 1100) g; UPDATE t SET v = 'streamed' WHERE id <= 10;");

        File.Delete(Path.Combine(dir, "sync.json"));
        using var second = BackgroundPgMove.Start(args);
        await second.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        await second.WaitForOutputAsync("native subscription", TimeSpan.FromSeconds(30));
        Assert.Contains("resuming", second.Output);
        Assert.DoesNotContain("copying from its snapshot", second.Output);
        Assert.Equal("not copied again", await clusters.Target.ScalarAsync<string>(db, "SELECT v FROM t WHERE id = 1000"));
        // pgmove's origin only marked the copy as done: the subscription's own replaces it.
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_replication_origin WHERE roname LIKE 'pgmove%'"));
        await clusters.Target.ExecuteAsync(db, "UPDATE t SET v = 'copied' WHERE id = 1000"); // as the source has it
        var streaming = DateTime.UtcNow.AddSeconds(30); // the subscription's worker starts on its own: the cutover needs it streaming
        while (await clusters.Source.ScalarAsync<long>(db, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database() AND active") == 0)
        {
            Assert.True(DateTime.UtcNow < streaming, "the native subscription never streamed the slot");
            await Task.Delay(50);
        }

        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + second.Output);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, second.Output);
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        Assert.Equal(1100L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM t"));
        Assert.Equal(10L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM t WHERE id <= 10 AND v = 'streamed'"));
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
