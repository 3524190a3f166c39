using PgMove.Tests.Infrastructure;
using PgMove.Tests.Replication;

namespace PgMove.Tests.Filters;

/// <summary>sync with filters publishes only the selected tables, and a --where as a row filter (PostgreSQL 15 source).</summary>
[Collection("clusters")]
public sealed class FilterSyncTests(ClusterPair clusters)
{
    [Fact]
    public async Task Sync_applies_only_the_selected_tables_and_rows_and_the_cutover_sets_and_verifies_only_them()
    {
        const string db = "flt_sync";
        await FilterCopyTests.PrepareAsync(clusters.Source, db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var dir = PgMoveProcess.StateDir();
        using (var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir,
                   "--schema", "app", "--exclude-table", "app.notes", "--where", "app.orders=id > 500")))
        {
            await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            Assert.Equal(500L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM app.orders"));
            Assert.False(await clusters.Target.ScalarAsync<bool>(db, "SELECT to_regclass('app.notes') IS NOT NULL"));
            await clusters.Source.ExecuteAsync(db, """
                INSERT INTO app.orders (id, customer, amount) VALUES (0, 1, 7), (2000, 1, 7);
                UPDATE app.orders SET amount = -1 WHERE id IN (10, 600);
                DELETE FROM app.orders WHERE id IN (20, 700);
                INSERT INTO app.customers (name) VALUES ('new');
                INSERT INTO app.notes (body) VALUES ('not replicated');
                INSERT INTO public.settings VALUES ('c', '3');
                """);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM app.customers") < 101 && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            // The cutover sets and verifies only what the filters move: the source's sequences of app.notes and
            // public.settings' schema have no counterpart on the target.
            var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
            Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
            Assert.Contains("verification (checksums): equal", cutover.Stdout);
            Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal("2000:7,600:-1", await clusters.Target.ScalarAsync<string>(db,
            "SELECT string_agg(id || ':' || amount, ',' ORDER BY id DESC) FROM app.orders WHERE id IN (0, 10, 20, 600, 700, 2000)"));
        Assert.Equal(500L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM app.orders"));   // +2000, -700
        Assert.Equal(101L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM app.customers"));
        Assert.False(await clusters.Target.ScalarAsync<bool>(db, "SELECT to_regclass('public.settings') IS NOT NULL"));
        Assert.Equal(await clusters.Source.ScalarAsync<long>(db, "SELECT last_value FROM app.customers_id_seq"),
            await clusters.Target.ScalarAsync<long>(db, "SELECT last_value FROM app.customers_id_seq"));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
    }

    [Fact]
    public async Task A_where_on_a_partitioned_table_filters_the_changes_of_every_partition()
    {
        const string db = "flt_sync_parts";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE events (id int, at date, v int, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
            CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            INSERT INTO events SELECT g, date '2024-06-01' + g / 2, g FROM generate_series(1, 600) g;
            """);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var dir = PgMoveProcess.StateDir();
        using (var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir, "--where", "public.events=id > 300")))
        {
            await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            Assert.Equal(300L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM events"));
            await clusters.Source.ExecuteAsync(db, """
                INSERT INTO events VALUES (5, '2024-02-01', 0), (9000, '2024-02-01', 0), (9001, '2025-09-01', 0);
                UPDATE events SET v = -1 WHERE id IN (10, 310, 590);
                DELETE FROM events WHERE id IN (20, 320, 580);
                """);
            var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
            Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
            Assert.Contains("verification (checksums): equal", cutover.Stdout);
            Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        const string rows = "SELECT string_agg(tableoid::regclass || ':' || id || ':' || v, ',' ORDER BY id) FROM events";
        Assert.Equal(await clusters.Source.ScalarAsync<string>(db, rows.Replace("FROM events", "FROM events WHERE id > 300")),
            await clusters.Target.ScalarAsync<string>(db, rows));
        Assert.Contains("events_2025:9001:0", await clusters.Target.ScalarAsync<string>(db, rows));
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
    }

    [Fact]
    public async Task A_row_filter_outside_the_replica_identity_is_refused_before_anything_is_created()
    {
        const string db = "flt_sync_refused";
        await FilterCopyTests.PrepareAsync(clusters.Source, db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var result = await PgMoveProcess.RunAsync(SyncFixtures.Args("sync", clusters, db, PgMoveProcess.StateDir(),
            "--schema", "app", "--where", "app.orders=amount > 50"));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("app.orders uses amount", result.Output);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
        // The source still takes UPDATEs (no publication with that filter was left behind).
        await clusters.Source.ExecuteAsync(db, "UPDATE app.orders SET amount = amount WHERE id = 1");
    }
}
