using Npgsql;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Replication;

/// <summary>A sync killed while streaming resumes from the target's replication origin: nothing lost, nothing twice.</summary>
[Collection("clusters")]
public sealed class SyncResumeTests(ClusterPair clusters)
{
    [Fact]
    public async Task Kill_9_while_streaming_then_sync_again_applies_every_change_exactly_once()
    {
        const string db = "sync_resume";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        // events has no key: a transaction applied twice would show as duplicate rows, one lost as a missing one.
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL);
            INSERT INTO account SELECT g, 0 FROM generate_series(1, 100) g;
            CREATE TABLE events (n bigint, account int, amount int);
            ALTER TABLE events REPLICA IDENTITY FULL;
            """);
        var dir = PgMoveProcess.StateDir();
        using var stop = new CancellationTokenSource();
        Task<long> writer;

        using (var first = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir)))
        {
            await first.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
            writer = WriteAsync(db, stop.Token);
            await WaitForAppliedAsync(db, 200);
            first.Kill9();
        }
        await Task.Delay(1000);
        using var second = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir));
        await second.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(30));
        await Task.Delay(1500);
        await stop.CancelAsync();
        var written = await writer;

        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + second.Output);
        var exit = await second.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, second.Output);
        Assert.Contains("resuming", second.Output);

        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);
        Assert.Equal(written, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM events"));
        Assert.Equal(written, await clusters.Target.ScalarAsync<long>(db, "SELECT count(DISTINCT n) FROM events"));
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    /// <summary>Small transactions as fast as they go: one event row and one balance update each.</summary>
    async Task<long> WriteAsync(string db, CancellationToken stop)
    {
        await using var connection = await clusters.Source.OpenAsync(db);
        long n = 0;
        while (!stop.IsCancellationRequested)
        {
            n++;
            var account = n % 100 + 1;
            await using var cmd = new NpgsqlCommand(
                $"BEGIN; INSERT INTO events VALUES ({n}, {account}, 1); UPDATE account SET balance = balance + 1 WHERE id = {account}; COMMIT;",
                connection);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
        return n;
    }

    async Task WaitForAppliedAsync(string db, long rows)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM events") >= rows) return;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"the target did not get {rows} events within 30 s");
    }
}
