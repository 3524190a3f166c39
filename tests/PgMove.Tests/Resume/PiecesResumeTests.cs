using PgMove.Tests.Copy;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Resume;

/// <summary>
/// A copy whose schema was dumped in pieces (more tables than the lock table holds), killed with SIGKILL while its
/// rows load, resumes from the recorded pieces: the target ends equal to the source, split-table extras included.
/// </summary>
[Collection("clusters")]
public sealed class PiecesResumeTests(ClusterPair clusters)
{
    static readonly Dictionary<string, string> ThreeTablesAPiece = new() { ["PGMOVE_TEST_LOCK_PIECE"] = "3" };

    [Fact]
    public async Task A_copy_dumped_in_pieces_killed_mid_load_resumes_to_an_identical_target()
    {
        const string db = "pieces_resume";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, HardCasesCopyTests.Schema.Replace("CURRENT", db));
        await clusters.Source.ExecuteAsync(db, ManyTablesCopyTests.Dependents);
        // A table whose load lasts long enough to be killed in.
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE public.slow_big (id int PRIMARY KEY, payload text); " +
                                               "INSERT INTO public.slow_big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 400000) g");
        var dir = PgMoveProcess.StateDir();
        string[] copy = ["copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--jobs", "2", "--dir", dir];

        using (var run = BackgroundPgMove.Start(ThreeTablesAPiece, copy))
        {
            await run.WaitForOutputAsync("start copy public.slow_big", TimeSpan.FromMinutes(2));
            Assert.Matches("the schema is dumped in [0-9]+ pieces of at most 3 tables", run.Output);
            Assert.False(run.HasExited, run.Output);
            run.Kill9();
        }
        Assert.DoesNotContain("\"finished\"", File.ReadAllText(Path.Combine(dir, "manifest.json")));
        await ResumeFixture.WaitForKilledRunSessionsAsync(clusters.Target, db);

        var resumed = await PgMoveProcess.RunAsync(ThreeTablesAPiece, [.. copy, "--resume", "--verify"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resume: no source table changed", resumed.Output);
        Assert.Matches("the schema is dumped in [0-9]+ pieces of at most 3 tables", resumed.Output);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        Assert.Equal(20L, await clusters.Target.ScalarAsync<long>(db, "SELECT deps.children()"));
    }
}
