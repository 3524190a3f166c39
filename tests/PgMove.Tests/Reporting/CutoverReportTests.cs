using PgMove.Tests.Infrastructure;
using PgMove.Tests.Replication;

namespace PgMove.Tests.Reporting;

/// <summary>cutover --report: the write freeze, the way back and the verification after the release, in the page.</summary>
[Collection("clusters")]
public sealed class CutoverReportTests(ClusterPair clusters)
{
    [Fact]
    public async Task Cutover_report_shows_the_freeze_the_way_back_and_the_verification()
    {
        const string db = "report_cutover";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' FROM generate_series(1, 300) g;");
        var dir = PgMoveProcess.StateDir();
        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        await clusters.Source.ExecuteAsync(db, "INSERT INTO t VALUES (301, 'during sync')");

        var path = Path.Combine(Path.GetTempPath(), "pgmove-tests", $"report-cutover-{Guid.NewGuid():N}.html");
        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir, "--report", path));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);

        var html = await File.ReadAllTextAsync(path);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("pgmove cutover <span id=\"outcome\" class=\"badge ok\">succeeded</span>", html);
        Assert.Matches(@"<th>write freeze \(fence to release\)</th><td class=""n"">\d+\.\d{3} s</td>", html);
        Assert.Contains("ALTER DATABASE", html);                   // the way back, as printed on the console
        Assert.Contains("<tr><th>verification</th><td>checksums</td></tr>", html);
        Assert.Matches(@"<tr class=""ok""><td>equal</td><td>public\.t</td><td class=""n"">301</td><td class=""n"">301</td>", html);
    }
}
