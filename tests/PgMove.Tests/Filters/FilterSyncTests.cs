using PgMove.Tests.Infrastructure;
using PgMove.Tests.Replication;

namespace PgMove.Tests.Filters;

/// <summary>sync with filters publishes only the selected tables, and a --where as a row filter (PostgreSQL 15 source).</summary>
[Collection("clusters")]
public sealed class FilterSyncTests(ClusterPair clusters)
{
    [Fact]
    public async Task Sync_applies_only_the_selected_tables_and_rows()
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
            sync.Terminate();
            await sync.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal("2000:7,600:-1", await clusters.Target.ScalarAsync<string>(db,
            "SELECT string_agg(id || ':' || amount, ',' ORDER BY id DESC) FROM app.orders WHERE id IN (0, 10, 20, 600, 700, 2000)"));
        Assert.Equal(500L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM app.orders"));   // +2000, -700
        Assert.Equal(101L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM app.customers"));
        Assert.False(await clusters.Target.ScalarAsync<bool>(db, "SELECT to_regclass('public.settings') IS NOT NULL"));
        var cleanup = await PgMoveProcess.RunAsync(SyncFixtures.Args("cleanup", clusters, db, dir));
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
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
