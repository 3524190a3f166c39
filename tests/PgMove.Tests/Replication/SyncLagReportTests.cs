using PgMove.Replication;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Replication;

/// <summary>
/// The lag as the running sync (sync.json, the live display's event) and status report it: bytes of source WAL not
/// yet confirmed as applied, seconds, the apply rate and when the backlog will be applied.
/// </summary>
[Collection("clusters")]
public sealed class SyncLagReportTests(ClusterPair clusters)
{
    [Theory]
    [InlineData(10_485_760L, 1_048_576.0, 10.0)]
    [InlineData(0L, 1_048_576.0, null)]       // caught up: nothing to estimate
    [InlineData(10_485_760L, 0.0, null)]      // not catching up
    [InlineData(null, 1_048_576.0, null)]     // the source could not be read
    public void The_estimate_is_the_lag_over_the_rate(long? lag, double? rate, double? eta) =>
        Assert.Equal(eta, new ApplyLag(lag, null, rate).EtaSeconds);

    [Fact]
    public async Task A_held_up_applier_shows_its_lag_in_the_sync_state_and_in_status_and_loses_it_once_applied()
    {
        const string db = "sync_lag_report";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, pad text)");
        var dir = PgMoveProcess.StateDir();
        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        var state = new SyncStateFile(dir);

        await using (var holder = await clusters.Target.OpenAsync(db))
        {
            // The applier waits for this lock: the source's WAL goes on, the confirmed position stays.
            await using (var hold = new Npgsql.NpgsqlCommand("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE", holder))
                await hold.ExecuteNonQueryAsync();
            await clusters.Source.ExecuteAsync(db, "INSERT INTO t SELECT g, repeat('x', 100) FROM generate_series(1, 40000) g");
            // The seconds: the age of the oldest transaction received and not applied (the source measures none meanwhile).
            var lagging = await WaitForStateAsync(state, s => s.LagBytes > 2 * 1024 * 1024 && s.LagSeconds >= 1, "a lag over 2 MB and 1 s");
            Assert.Null(lagging.EtaSeconds); // nothing is applied: no estimate
            var status = await PgMoveProcess.RunAsync(SyncFixtures.Args("status", clusters, db, dir));
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Matches(@"lag [1-9][0-9]*\.[0-9]{2} MB \([0-9?.]+ s\), apply rate [0-9.]+ MB/s of WAL", status.Stdout);
        }
        var caughtUp = await WaitForStateAsync(state, s => s.LagBytes < 1024 * 1024 && s.Changes >= 40000, "the lag applied");
        Assert.Equal(40000L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM t"));
        Assert.NotNull(caughtUp.LagSeconds);

        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
    }

    static async Task<SyncState> WaitForStateAsync(SyncStateFile file, Func<SyncState, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        SyncState? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if ((last = file.Read()) is { } s && done(s)) return s;
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"no {what} in sync.json within 60 s; last: {last}");
    }
}
