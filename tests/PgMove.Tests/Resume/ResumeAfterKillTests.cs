using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Resume;

/// <summary>
/// Fault injection: a copy is killed with SIGKILL at points spread over its run (seeded delays after a progress
/// line: in the schema, in the middle of the big table's COPY, among index builds, during foreign keys, during
/// ANALYZE); each time copy --resume finishes it and the target equals the source, large objects included.
/// </summary>
[Collection("clusters")]
public sealed class ResumeAfterKillTests(ClusterPair clusters)
{
    public static TheoryData<int, string, int> KillPoints() => new()
    {
        { 1, "start restore pre-data", 60 },
        { 2, "start copy public.big", 350 },
        { 3, "start index big_payload", 150 },
        { 4, "start foreign key", 20 },
        { 5, "start analyze public.big", 5 },
    };

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task A_copy_killed_at_any_point_is_finished_by_resume(int point, string marker, int maxDelayMs)
    {
        await ResumeFixture.CreateSourceAsync(clusters.Source);
        var target = $"resume_kill_{point}";
        var dir = PgMoveProcess.StateDir();
        var random = new Random(1013 * point); // seeded: the same kill moment on every run
        var killed = await ResumeFixture.KillDuringAsync(clusters, target, dir, marker, TimeSpan.FromMilliseconds(random.Next(maxDelayMs + 1)));

        var resumed = await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, target, dir, "--resume", "--json"));
        Assert.True(resumed.ExitCode == 0, $"killed run:\n{killed}\nresume:\n{resumed}");
        Assert.Contains("no source table changed since the first run's snapshot", resumed.Output);
        using var summary = System.Text.Json.JsonDocument.Parse(resumed.Stdout);
        var resume = summary.RootElement.GetProperty("resume");
        // Past pre-data, at least pre-data itself is skipped; the later the kill, the more.
        if (point > 1) Assert.True(resume.GetProperty("itemsSkipped").GetInt32() >= point - 1, resumed.ToString());
        if (point > 2) Assert.Contains("skip  copy public.big", resumed.Output);
        if (point == 2 && !killed.Contains("done  copy public.big", StringComparison.Ordinal))
            Assert.Matches("redone from a clean state: .*table:public.big", resumed.Output); // killed mid-COPY: emptied, loaded again
        Assert.True(resume.GetProperty("itemsRun").GetInt32() > 0);
        await ResumeFixture.AssertCopiedAsync(clusters, target);

        var again = await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, target, dir, "--resume"));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("nothing to do", again.Output);
    }
}
