using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Replication;

/// <summary>DDL on the source stops the sync with a clear message; fixing the target lets it resume; cleanup removes everything.</summary>
[Collection("clusters")]
public sealed class SyncStopAndCleanupTests(ClusterPair clusters)
{
    [Fact]
    public async Task A_changed_source_table_stops_sync_and_it_resumes_once_the_target_matches()
    {
        const string db = "sync_ddl";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'one');");
        var dir = PgMoveProcess.StateDir();

        using (var first = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir)))
        {
            await first.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            await clusters.Source.ExecuteAsync(db, "INSERT INTO items VALUES (2, 'two')");
            await clusters.Source.ExecuteAsync(db, "ALTER TABLE items ADD COLUMN price numeric; INSERT INTO items VALUES (3, 'three', 9.5);");
            Assert.Equal(10, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("public.items changed while syncing", first.Output);
            Assert.Contains("price numeric", first.Output);
        }
        Assert.Equal(2L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM items"));

        await clusters.Target.ExecuteAsync(db, "ALTER TABLE items ADD COLUMN price numeric");
        using var second = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir));
        await second.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(30));
        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + second.Output);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    [Fact]
    public async Task Cleanup_drops_slot_publication_and_origin_of_a_crashed_sync_and_can_run_again()
    {
        const string db = "sync_cleanup";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10);");
        var dir = PgMoveProcess.StateDir();
        using (var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir)))
        {
            await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            var busy = await PgMoveProcess.RunAsync(SyncFixtures.Args("cleanup", clusters, db, dir));
            Assert.True(busy.ExitCode == 11, busy.ToString());
            sync.Kill9();
        }
        Assert.Equal(1L, await clusters.Source.ScalarAsync<long>(db, $"SELECT count(*) FROM pg_replication_slots WHERE database = '{db}'"));
        var status = await PgMoveProcess.RunAsync(SyncFixtures.Args("status", clusters, db, dir));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("stopped", status.Stdout);

        await Task.Delay(500); // the source notices the killed walsender client
        var cleanup = await PgMoveProcess.RunAsync(SyncFixtures.Args("cleanup", clusters, db, dir));
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        Assert.Contains("replication slot", cleanup.Stdout);
        Assert.Contains("publication", cleanup.Stdout);
        Assert.Contains("replication origin", cleanup.Stdout);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);

        var again = await PgMoveProcess.RunAsync(SyncFixtures.Args("cleanup", clusters, db, dir));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("nothing to drop", again.Stdout);
    }

    [Fact]
    public async Task A_table_created_on_the_source_during_sync_fails_the_cutover_verification()
    {
        const string db = "sync_new_table";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE a (id int PRIMARY KEY); INSERT INTO a VALUES (1);");
        var dir = PgMoveProcess.StateDir();
        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE late (id int PRIMARY KEY); INSERT INTO late VALUES (1); INSERT INTO a VALUES (2);");

        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));

        // Verification runs after the release: the table is reported, and the way back (lifting the fence) is printed.
        Assert.True(cutover.ExitCode == 1, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Contains("table public.late missing on target", cutover.Stdout);
        Assert.Contains("To go back", cutover.Stdout);
        var exit = await sync.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, sync.Output);
        Assert.Equal(2L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM a"));
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        var lift = await PgMoveProcess.RunAsync(SyncFixtures.Args("cleanup", clusters, db, dir, "--lift-fence"));
        Assert.True(lift.ExitCode == 0, lift.ToString());
        Assert.Equal("off", await clusters.Source.ScalarAsync<string>(db, "SHOW default_transaction_read_only"));
        Assert.Equal(-1, await clusters.Source.ScalarAsync<int>("postgres", $"SELECT datconnlimit FROM pg_database WHERE datname = '{db}'"));
    }

    [Fact]
    public async Task An_interrupted_sync_says_what_it_left_and_cleanup_works_at_once()
    {
        const string db = "sync_interrupted";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10);");
        var dir = PgMoveProcess.StateDir();
        var timeline = Path.Combine(dir, "copy-timeline.json");
        using (var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir, "--timeline", timeline, "-j", "2")))
        {
            await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            Assert.True(File.Exists(timeline), "sync honours the copy's --timeline");
            sync.Terminate();
            Assert.Equal(130, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("is kept on the source and retains", sync.Output);
            Assert.Contains("`pgmove sync` again", sync.Output);
            Assert.Contains("`pgmove cleanup`", sync.Output);
        }
        var status = await PgMoveProcess.RunAsync(SyncFixtures.Args("status", clusters, db, dir));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("stopped", status.Stdout);
        var cleanup = await PgMoveProcess.RunAsync(SyncFixtures.Args("cleanup", clusters, db, dir));
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
    }
}
