using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Replication;

/// <summary>
/// The batched, set-based apply: changes to one key folded within a batch, a unique swap that only statements in
/// order can apply, a backlog and a big source transaction applied across a kill -9, exactly once.
/// </summary>
[Collection("clusters")]
public sealed class BatchedApplyTests(ClusterPair clusters)
{
    [Fact]
    public async Task Folded_changes_of_one_transaction_leave_the_target_equal_to_the_source()
    {
        const string db = "apply_fold";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE t (id int PRIMARY KEY, u int UNIQUE, v text, big text);
            INSERT INTO t SELECT g, g, 'v' || g, repeat(md5(g::text), 3000) FROM generate_series(1, 200) g;
            CREATE TABLE two (a int, b text, PRIMARY KEY (a, b));
            """);
        var dir = PgMoveProcess.StateDir();
        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        await clusters.Source.ExecuteAsync(db, """
            BEGIN;
            INSERT INTO t VALUES (1000, 1000, 'a', 'x'); UPDATE t SET v = 'b' WHERE id = 1000; DELETE FROM t WHERE id = 1000;
            INSERT INTO t VALUES (1001, 1001, 'a', 'x'); UPDATE t SET v = 'b' WHERE id = 1001; UPDATE t SET v = 'c' WHERE id = 1001;
            DELETE FROM t WHERE id = 5; INSERT INTO t VALUES (5, 5, 'again', 'y');
            UPDATE t SET v = 'toast kept' WHERE id = 6; UPDATE t SET v = 'toast kept twice' WHERE id = 6;
            UPDATE t SET id = 3000 WHERE id = 7; UPDATE t SET id = 7 WHERE id = 8; UPDATE t SET id = 8 WHERE id = 3000;
            UPDATE t SET u = -1 WHERE id = 10; UPDATE t SET u = 10 WHERE id = 11; UPDATE t SET u = 11 WHERE id = 10;
            INSERT INTO two VALUES (1, 'a\tb\\c
            d'), (2, 'x'); UPDATE two SET b = 'é' WHERE a = 2; DELETE FROM two WHERE a = 1;
            COMMIT;
            """);
        // The swap's batch was rolled back to its savepoint (its staging table with it) and redone statement by
        // statement: a later batch stages again.
        await WaitForAsync(db, "SELECT count(*) FROM t WHERE id = 1001 AND v = 'c'");
        await clusters.Source.ExecuteAsync(db, """
            UPDATE t SET v = v || '!' WHERE id % 4 = 0;
            DELETE FROM t WHERE id % 9 = 0;
            """);
        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("found no row", sync.Output);
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        Assert.Equal("toast kept twice", await clusters.Target.ScalarAsync<string>(db, "SELECT v FROM t WHERE id = 6"));
        Assert.Equal(96000, await clusters.Target.ScalarAsync<int>(db, "SELECT length(big) FROM t WHERE id = 6"));
    }

    [Fact]
    public async Task Array_statements_apply_composite_keys_nulls_and_unsent_toast_values()
    {
        const string db = "apply_arrays";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, """
            CREATE TYPE mood AS ENUM ('sad', 'ok');
            CREATE TABLE c (a int, b text, n numeric, m mood, arr int[], big text, seq bigint GENERATED ALWAYS AS IDENTITY,
                            PRIMARY KEY (a, b));
            ALTER TABLE c ALTER COLUMN big SET STORAGE EXTERNAL; -- out of line: an UPDATE that leaves it alone does not send it
            INSERT INTO c (a, b, n, m, arr, big)
              SELECT g % 50, 'k' || g || E'\t"x', g / 3.0, 'ok', ARRAY[g, NULL], repeat(md5(g::text), 3000) FROM generate_series(1, 400) g;
            """);
        var dir = PgMoveProcess.StateDir();
        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        // One source transaction, so one batch: updates that leave the TOASTed value unsent and updates that set it
        // (two shapes of UPDATE), values set to NULL and from NULL, deletes by the composite key, new rows.
        await clusters.Source.ExecuteAsync(db, """
            BEGIN;
            UPDATE c SET n = NULL, m = NULL, arr = NULL WHERE a < 10;
            UPDATE c SET big = 'small ' || a, n = -n WHERE a BETWEEN 10 AND 19;
            UPDATE c SET n = 1e30, m = 'sad', arr = '{}' WHERE a BETWEEN 20 AND 29 AND n IS NOT NULL;
            DELETE FROM c WHERE a BETWEEN 30 AND 34;
            INSERT INTO c (a, b, n, big) VALUES (1000, E'new\\one', NULL, NULL), (1001, '', 0, repeat('z', 50000));
            COMMIT;
            """);
        await WaitForAsync(db, "SELECT count(*) FROM c WHERE a = 1001");
        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("found no row", sync.Output);
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM c WHERE a < 10 AND (n IS NOT NULL OR m IS NOT NULL OR arr IS NOT NULL)"));
        Assert.Equal(80L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM c WHERE a BETWEEN 20 AND 29 AND length(big) = 96000 AND m = 'sad'"));
    }

    [Fact]
    public async Task A_backlog_applied_in_batches_survives_kill_9_exactly_once()
    {
        const string db = "apply_backlog_kill";
        var (dir, args, history) = await BacklogAsync(db);
        using (var second = BackgroundPgMove.Start(args))
        {
            // Killed while a batch is being written: the applier's transaction is open on the target.
            await WaitForOpenApplierTransactionAsync(db, TimeSpan.FromSeconds(60));
            second.Kill9();
        }
        var partial = await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history");
        Assert.True(partial < history, $"the backlog ({history}) was all applied before the kill: the test proves nothing");

        await ResumeAndCutOverAsync(args, dir, db, TimeSpan.FromSeconds(30));
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        Assert.Equal(history, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history"));
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    [Fact]
    public async Task A_kill_9_while_applied_commits_are_not_yet_confirmed_applies_them_once()
    {
        const string db = "apply_unconfirmed_kill";
        var (dir, args, history) = await BacklogAsync(db);
        NpgsqlTypes.NpgsqlLogSequenceNumber origin, confirmed;
        using (var second = BackgroundPgMove.Start(args))
        {
            // Inside a backlog the pipelined applier commits without waiting for the flush and confirms to the source
            // at most once a second: killed while the target's origin is past what the source was told, the resumed
            // sync must skip the transactions the target already has.
            // Read with the sync stopped (SIGSTOP): read while it runs, a confirmation sent between the read and the kill
            // would leave nothing to skip. The pause lets what it already sent land: its last COMMIT, its last feedback.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.True(DateTime.UtcNow < deadline, "the target's origin never got ahead of the slot's confirmed position:\n" + second.Output);
                second.Pause();
                await Task.Delay(300);
                (origin, confirmed) = (await OriginAsync(), await ConfirmedAsync(db));
                if (origin > confirmed) break;
                second.Resume();
                await Task.Delay(100);
            }
            second.Kill9();
        }
        (origin, confirmed) = (await OriginAsync(), await ConfirmedAsync(db));
        Assert.True(origin > confirmed, $"origin {origin} not ahead of the slot's {confirmed} after the kill: the test proves nothing");
        Assert.True(await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history") < history,
            "the backlog was all applied before the kill: the test proves nothing");

        await ResumeAndCutOverAsync(args, dir, db, TimeSpan.FromSeconds(30));
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        Assert.Equal(history, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history"));
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    /// <summary>
    /// A pgbench database synced until it streams, the sync killed, then a backlog written while no sync runs; returns
    /// the state directory, the sync's arguments and the source's pgbench_history count.
    /// </summary>
    async Task<(string Dir, string[] Args, long History)> BacklogAsync(string db)
    {
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        SyncFixtures.PgBench(clusters.Source, db, "-i", "--foreign-keys", "-s", "2", "-q");
        var dir = PgMoveProcess.StateDir();
        var args = SyncFixtures.Args("sync", clusters, db, dir, "--set-replica-identity-full");
        using (var first = BackgroundPgMove.Start(args))
        {
            await first.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            first.Kill9();
        }
        SyncFixtures.PgBench(clusters.Source, db, "-c", "4", "-j", "2", "-T", "8");
        return (dir, args, await clusters.Source.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history"));
    }

    async Task<NpgsqlTypes.NpgsqlLogSequenceNumber> ConfirmedAsync(string db) =>
        NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(await clusters.Source.ScalarAsync<string>(db,
            "SELECT coalesce(confirmed_flush_lsn, '0/0')::text FROM pg_replication_slots WHERE slot_name LIKE 'pgmove\\_%' AND database = current_database()"));

    async Task<NpgsqlTypes.NpgsqlLogSequenceNumber> OriginAsync() =>
        NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(await clusters.Target.ScalarAsync<string>("postgres",
            "SELECT coalesce(max(s.remote_lsn), '0/0')::text FROM pg_replication_origin_status s " +
            "JOIN pg_replication_origin o ON o.roident = s.local_id WHERE o.roname LIKE 'pgmove\\_%'"));

    [Fact]
    public async Task A_big_source_transaction_killed_mid_apply_is_applied_once()
    {
        const string db = "apply_big_tx";
        const int rows = 500_000;
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE big (id int PRIMARY KEY, v int NOT NULL, pad text); CREATE TABLE log (n int);");
        var dir = PgMoveProcess.StateDir();
        var args = SyncFixtures.Args("sync", clusters, db, dir, "--set-replica-identity-full");
        using (var first = BackgroundPgMove.Start(args))
        {
            await first.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            await clusters.Source.ExecuteAsync(db, $"""
                INSERT INTO log VALUES (1);
                BEGIN;
                INSERT INTO big SELECT g, 0, md5(g::text) FROM generate_series(1, {rows}) g;
                UPDATE big SET v = v + 1 WHERE id % 2 = 0;
                INSERT INTO log SELECT generate_series(2, 1000);
                COMMIT;
                INSERT INTO log VALUES (1001);
                """);
            await WaitForOpenApplierTransactionAsync(db, TimeSpan.FromSeconds(120), open: 1.5);
            first.Kill9();
        }
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM big"));

        await ResumeAndCutOverAsync(args, dir, db, TimeSpan.FromSeconds(60));
        Assert.Equal((long)rows, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM big"));
        Assert.Equal(rows / 2L, await clusters.Target.ScalarAsync<long>(db, "SELECT sum(v) FROM big"));
        Assert.Equal(1001L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(DISTINCT n) FROM log"));
        Assert.Equal(1001L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM log"));
    }

    /// <summary>
    /// Waits until pgmove's applier holds a transaction on the target that has written (it has an xid) and has been
    /// open for at least <paramref name="open"/>: a kill then lands in the middle of what it applies.
    /// </summary>
    async Task WaitForOpenApplierTransactionAsync(string db, TimeSpan timeout, double open = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await clusters.Target.ScalarAsync<long>("postgres",
                    $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND application_name = 'pgmove sync' " +
                    $"AND backend_xid IS NOT NULL AND now() - xact_start >= interval '{open} s'") > 0) return;
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException($"pgmove's applier held no open transaction on {db} within {timeout}");
    }

    /// <summary>Waits until the resumed sync streams its slot (the cutover refuses a sync that is not running).</summary>

    /// <summary>Starts the sync again, waits until it streams, cuts over, and checks the sync ended and the fence is lifted.</summary>
    async Task ResumeAndCutOverAsync(string[] args, string dir, string db, TimeSpan exitWait)
    {
        using var sync = BackgroundPgMove.Start(args);
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        await WaitForStreamAsync(db);
        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Equal(0, await sync.WaitForExitAsync(exitWait));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
    }

    async Task WaitForStreamAsync(string db)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await clusters.Source.ScalarAsync<long>(db,
                    "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'pgmove\\_%' AND database = current_database() AND active") > 0) return;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"the resumed sync of {db} did not stream within 30 s");
    }

    async Task WaitForAsync(string db, string countQuery)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await clusters.Target.ScalarAsync<long>(db, countQuery) == 0)
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"not on the target within 30 s: {countQuery}");
            await Task.Delay(50);
        }
    }
}
