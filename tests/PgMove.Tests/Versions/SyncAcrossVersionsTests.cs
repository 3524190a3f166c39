using PgMove.Tests.Infrastructure;
using PgMove.Tests.Replication;

namespace PgMove.Tests.Versions;

/// <summary>The online migration as an upgrade: sync under pgbench and SQL writes, cutover, an equal target on a newer major.</summary>
[Collection("versions")]
public sealed class SyncAcrossVersionsTests(VersionServers servers)
{
    [Theory]
    [InlineData(12, 16)]
    [InlineData(15, 18)]
    public async Task Sync_and_cutover_across_versions_leave_an_equal_database(int sourceMajor, int targetMajor)
    {
        var source = await servers.GetAsync(sourceMajor);
        var target = await servers.GetAsync(targetMajor);
        var db = $"sync_{sourceMajor}_{targetMajor}";
        await source.CreateDatabaseAsync(db);
        await target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        SyncFixtures.PgBench(source, db, "-i", "--foreign-keys", "-s", "1", "-q");
        await source.ExecuteAsync(db, SyncFixtures.HardSchema);
        var dir = PgMoveProcess.StateDir();

        var check = await Preflight.CheckRun.RunAsync("--online", "--source", source.Uri(db), "--target", target.Uri(db));
        Assert.Contains($"upgrade from {sourceMajor} to {targetMajor}", check.Expect("versions", "ok").Evidence);
        check.Expect("wal-level", "ok");

        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", source, target, db, dir, "--set-replica-identity-full"));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        var bench = Task.Run(() => SyncFixtures.PgBench(source, db, "-c", "2", "-T", "5"));
        await source.ExecuteAsync(db, SyncFixtures.HardWrites);
        await bench;
        var history = await source.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history");
        Assert.True(history > 100, $"pgbench wrote only {history} history rows");

        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", source, target, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Contains("write freeze", cutover.Stdout);
        Assert.Contains("verification (checksums): equal", cutover.Stdout);
        var exit = await sync.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, sync.Output);
        Assert.Contains("the migration is complete", sync.Output);

        await SyncFixtures.AssertFencedAndReopenAsync(source, db);
        await SyncFixtures.AssertNothingLeftAsync(source, target, db);
        await CrossVersionComparer.AssertEqualAsync(source, db, target, db);
        Assert.Equal(history, await target.ScalarAsync<long>(db, "SELECT count(*) FROM pgbench_history"));
        Assert.Equal(100000, await target.ScalarAsync<int>(db, "SELECT length(body) FROM docs WHERE title = 'new'"));
    }
}
