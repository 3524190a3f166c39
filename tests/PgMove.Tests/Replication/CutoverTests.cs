using System.Text.RegularExpressions;
using Npgsql;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Replication;

/// <summary>
/// The cutover's promises: a short freeze that loses no accepted write, a fence that holds, a failed cutover that
/// gives the source its writes back, verification after the release against the target as of the fence, hooks.
/// </summary>
[Collection("clusters")]
public sealed partial class CutoverTests(ClusterPair clusters)
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task Cutover_under_pgbench_loses_no_accepted_write(int scale)
    {
        var db = $"cut_bench_{scale}";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        SyncFixtures.PgBench(clusters.Source, db, "-i", "--foreign-keys", "-s", scale.ToString(), "-q");
        var dir = PgMoveProcess.StateDir();
        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir, "--set-replica-identity-full"));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(120));

        // pgbench writes until the fence ends its sessions (it then exits with an error: expected).
        var bench = Task.Run(() => { try { SyncFixtures.PgBench(clusters.Source, db, "-c", "2", "-T", "60"); } catch (InvalidOperationException) { } });
        await Task.Delay(3000);
        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        await bench.WaitAsync(TimeSpan.FromSeconds(60));
        var freeze = double.Parse(FreezeSeconds().Match(cutover.Stdout).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(freeze, 0, 30); // printed and sane; its size is measured by the bench, not asserted here
        Assert.Contains("verification (checksums): equal", cutover.Stdout);
        Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var history = await clusters.Source.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history");
        Assert.True(history > 50, $"pgbench wrote only {history} rows before the fence");
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    [Fact]
    public async Task A_lock_on_the_target_aborts_the_cutover_lifts_the_fence_and_a_second_cutover_succeeds()
    {
        const string db = "cut_lock";
        var (sync, dir) = await StartAsync(db);
        // Lifting the fence restores what it replaced, not defaults.
        await clusters.Source.ExecuteAsync("postgres", $"ALTER DATABASE {db} CONNECTION LIMIT 50");
        using (sync)
        {
            await using var locker = await clusters.Target.OpenAsync(db);
            await using (var tx = await locker.BeginTransactionAsync())
            {
                await new NpgsqlCommand("LOCK TABLE t IN ACCESS EXCLUSIVE MODE", locker, tx).ExecuteNonQueryAsync();
                await clusters.Source.ExecuteAsync(db, "INSERT INTO t VALUES (4, 'behind the lock')");

                var failed = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir, "--freeze-timeout", "3"));
                Assert.True(failed.ExitCode == 12, failed.ToString());
                Assert.Contains("fence is lifted", failed.Stderr);
                await AssertWritableAsync(db, connectionLimit: 50);
                await tx.RollbackAsync();
            }
            await clusters.Source.ExecuteAsync(db, "INSERT INTO t VALUES (5, 'after the failed cutover')");

            var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
            Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
            var exit = await sync.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, sync.Output);
        }
        Assert.Equal(5L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM t"));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    [Fact]
    public async Task A_target_stopped_during_the_cutover_leaves_the_source_writable_and_the_migration_resumable()
    {
        const string db = "cut_target_down";
        await using var target = await PostgresCluster.StartAsync("cut-target-down");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b');");
        var dir = PgMoveProcess.StateDir();
        string[] Args(string command, params string[] more) =>
            [command, "--source", clusters.Source.Uri(db), "--target", target.Uri(db), "--dir", dir, .. more];
        using (var first = BackgroundPgMove.Start(Args("sync")))
        {
            await first.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            // The hook stops the target right before the fence: the cutover then finds it gone while fenced.
            var failed = await PgMoveProcess.RunAsync(Args("cutover", "--before-fence", target.StopCommand(), "--freeze-timeout", "10"));
            Assert.True(failed.ExitCode == 12, failed + "\n--- sync ---\n" + first.Output);
            Assert.Contains("fence is lifted", failed.Stderr);
            await AssertWritableAsync(db);
            Assert.NotEqual(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30))); // the sync lost its target
            Assert.Contains("pgmove sync", first.Output); // and says how to go on
        }
        target.Start();
        await clusters.Source.ExecuteAsync(db, "INSERT INTO t VALUES (3, 'while the target was down')");
        using var second = BackgroundPgMove.Start(Args("sync"));
        await second.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        var cutover = await PgMoveProcess.RunAsync(Args("cutover"));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + second.Output);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, target, db);
    }

    [Fact]
    public async Task Verification_finds_a_row_changed_on_the_target_before_the_release()
    {
        const string db = "cut_tampered";
        var (sync, dir) = await StartAsync(db);
        using (sync)
        {
            await clusters.Target.ExecuteAsync(db, "UPDATE t SET v = 'changed on the target' WHERE id = 2");
            var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir, "--verify", "rows",
                "--after-release", Psql(clusters.Target, db, "INSERT INTO t VALUES (100, 'written after the release')")));
            Assert.True(cutover.ExitCode == 1, cutover.ToString());
            Assert.Contains("public.t", cutover.Stdout);
            Assert.Contains("changed (id=2)", cutover.Stdout);
            Assert.DoesNotContain("id=100", cutover.Stdout);
            Assert.Contains("To go back", cutover.Stdout);
            // The way back works when pasted, even into a session on the fenced database itself.
            var advice = LiftAdvice().Match(cutover.Stdout);
            Assert.True(advice.Success, cutover.Stdout);
            await clusters.Source.ExecuteAsync(db, advice.Value);
        }
        await AssertWritableAsync(db);
    }

    [Fact]
    public async Task Hooks_run_in_order_writes_after_the_release_are_not_differences_and_the_fence_holds()
    {
        const string db = "cut_hooks";
        await clusters.Source.ExecuteAsync("postgres", """
            DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cut_app') THEN
              CREATE ROLE cut_app LOGIN PASSWORD 'app pw'; END IF; END $$;
            """);
        var (sync, dir) = await StartAsync(db);
        await clusters.Source.ExecuteAsync(db, "GRANT ALL ON t TO cut_app");
        var log = Path.Combine(dir, "hooks.log");
        using (sync)
        {
            var refused = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir, "--before-fence", "echo no; exit 3"));
            Assert.True(refused.ExitCode == 10, refused.ToString());
            Assert.Contains("nothing was fenced", refused.Stderr);
            await AssertWritableAsync(db);

            await using var app = new NpgsqlConnection($"Host=127.0.0.1;Port={clusters.Source.Port};Username=cut_app;Password=app pw;Database={db};Pooling=false");
            await app.OpenAsync();
            var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir,
                "--before-fence", $"echo \"before $PGMOVE_MIGRATION $PGMOVE_SOURCE_DATABASE\" >> {log}",
                "--after-release", $"echo \"after $PGMOVE_FREEZE_SECONDS\" >> {log} && " + Psql(clusters.Target, db, "INSERT INTO t VALUES (100, 'after')")));
            Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
            Assert.Contains("verification (checksums): equal", cutover.Stdout);
            var lines = await File.ReadAllLinesAsync(log);
            Assert.Equal(2, lines.Length);
            Assert.StartsWith($"before {await SyncFixtures.MigrationIdAsync(clusters.Source, db)} {db}", lines[0]);
            Assert.Matches(@"^after \d+\.\d{3}$", lines[1]);

            // The fence holds for a session that was open, even one that turns read-only off, and for a new one.
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => new NpgsqlCommand(
                "SET default_transaction_read_only = off; INSERT INTO t VALUES (200, 'after the fence')", app).ExecuteNonQueryAsync());
            await using var late = new NpgsqlConnection($"Host=127.0.0.1;Port={clusters.Source.Port};Username=cut_app;Password=app pw;Database={db};Pooling=false");
            var refusedLogin = await Assert.ThrowsAsync<PostgresException>(() => late.OpenAsync());
            Assert.Equal("53300", refusedLogin.SqlState);
            Assert.Equal(0L, await clusters.Source.ScalarAsync<long>(db, "SELECT count(*) FROM t WHERE id = 200"));
        }
        Assert.Equal(1L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM t WHERE id = 100"));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
    }

    [Fact]
    public async Task A_second_sync_of_the_same_source_database_is_refused_however_its_urls_are_spelled()
    {
        const string db = "cut_second";
        var (sync, dir) = await StartAsync(db);
        using (sync)
        {
            var localhost = clusters.Source.Uri(db).Replace("127.0.0.1", "localhost");
            var second = await PgMoveProcess.RunAsync("sync", "--source", localhost, "--target", clusters.Target.Uri(db).Replace("127.0.0.1", "localhost"),
                "--dir", PgMoveProcess.StateDir(), "--clean");
            Assert.True(second.ExitCode == 11, second.ToString());
            Assert.Contains("is running", second.Stderr);
            var status = await PgMoveProcess.RunAsync("status", "--source", localhost, "--target", clusters.Target.Uri(db));
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Contains("streaming", status.Stdout);
            Assert.Equal(3L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM t"));
            var cutover = await PgMoveProcess.RunAsync("cutover", "--source", localhost, "--target", clusters.Target.Uri(db), "--dir", dir);
            Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
            Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
    }

    [Fact]
    public async Task A_non_superuser_source_user_syncs_and_cuts_over_as_on_a_managed_service()
    {
        // As on RDS/Cloud SQL: the source user owns the database, has REPLICATION and pg_signal_backend, and is no
        // superuser, so the fenced database (CONNECTION LIMIT 0) refuses its new sessions.
        const string db = "cut_managed";
        await clusters.Source.ExecuteAsync("postgres", $"""
            DROP DATABASE IF EXISTS {db} WITH (FORCE);
            DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cut_owner') THEN
              CREATE ROLE cut_owner LOGIN REPLICATION PASSWORD 'owner pw'; END IF; END $$;
            GRANT pg_signal_backend TO cut_owner;
            """);
        await clusters.Source.ExecuteAsync("postgres", $"CREATE DATABASE {db} OWNER cut_owner");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, """
            SET ROLE cut_owner;
            CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g;
            """);
        var dir = PgMoveProcess.StateDir();
        string[] Args(string command, params string[] more) =>
            [command, "--source", clusters.Source.Uri(db, "cut_owner", "owner pw"), "--target", clusters.Target.Uri(db), "--dir", dir, .. more];
        using var sync = BackgroundPgMove.Start(Args("sync", "--no-owner"));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        await clusters.Source.ExecuteAsync(db, "SET ROLE cut_owner; UPDATE t SET v = 'changed' WHERE id <= 10; DELETE FROM t WHERE id = 100;");

        var cutover = await PgMoveProcess.RunAsync(Args("cutover", "--verify", "rows"));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Contains("verification (rows): equal", cutover.Stdout);
        var exit = await sync.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, sync.Output);
        await using (var late = new NpgsqlConnection($"Host=127.0.0.1;Port={clusters.Source.Port};Username=cut_owner;Password=owner pw;Database={db};Pooling=false"))
            Assert.Equal("53300", (await Assert.ThrowsAsync<PostgresException>(() => late.OpenAsync())).SqlState);
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        Assert.Equal(99L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM t"));
        Assert.Equal(10L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM t WHERE v = 'changed'"));
    }

    async Task<(BackgroundPgMove Sync, string Dir)> StartAsync(string db)
    {
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');");
        var dir = PgMoveProcess.StateDir();
        var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        return (sync, dir);
    }

    /// <summary>The source takes writes from a new ordinary session: no fence, no read-only default, no connection limit.</summary>
    async Task AssertWritableAsync(string db, int connectionLimit = -1)
    {
        Assert.Equal("off", await clusters.Source.ScalarAsync<string>(db, "SHOW default_transaction_read_only"));
        Assert.Equal(connectionLimit, await clusters.Source.ScalarAsync<int>("postgres", $"SELECT datconnlimit FROM pg_database WHERE datname = '{db}'"));
    }

    static string Psql(PostgresCluster cluster, string db, string sql) =>
        $"{PostgresCluster.BinDirectory}/psql -X -q -h 127.0.0.1 -p {cluster.Port} -U postgres -d {db} -c \"{sql}\"";

    [GeneratedRegex(@"BEGIN READ WRITE;.*?COMMIT;")]
    private static partial Regex LiftAdvice();

    [GeneratedRegex(@"write freeze (\d+\.\d+) s")]
    private static partial Regex FreezeSeconds();
}
