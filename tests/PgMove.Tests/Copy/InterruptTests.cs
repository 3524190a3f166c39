using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>
/// A copy stopped while rows are streaming (SIGTERM, as Ctrl-C or a service manager would) exits promptly with the
/// documented code 130, leaves no pgmove session behind on either server, says the target holds a partial copy,
/// and a rerun with --clean gives a target identical to the source.
/// </summary>
[Collection("clusters")]
public sealed class InterruptTests(ClusterPair clusters)
{
    const string Db = "interrupt_src";
    const string Target = "interrupt_dst";

    [Fact]
    public async Task Interrupted_copy_exits_130_releases_sessions_and_a_clean_rerun_completes()
    {
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {Db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(Db);
        await clusters.Source.ExecuteAsync(Db, """
            CREATE TABLE big (id int PRIMARY KEY, payload text);
            INSERT INTO big SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 2000000) g;
            CREATE TABLE other (id int PRIMARY KEY, big_id int REFERENCES big (id));
            INSERT INTO other SELECT g, g FROM generate_series(1, 1000) g;
            """);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {Target} WITH (FORCE)");

        using (var copy = BackgroundPgMove.Start("copy", "--source", clusters.Source.Uri(Db), "--target",
                   clusters.Target.Uri(Target), "--jobs", "2", "--dir", PgMoveProcess.StateDir()))
        {
            await copy.WaitForOutputAsync("start copy public.big", TimeSpan.FromMinutes(1));
            await Task.Delay(300);
            Assert.False(copy.HasExited, "the copy of big ended before it could be interrupted:\n" + copy.Output);
            copy.Terminate();
            var exitCode = await copy.WaitForExitAsync(TimeSpan.FromSeconds(20));

            Assert.True(exitCode == 130, $"exit {exitCode}:\n{copy.Output}");
            Assert.Contains("cancelled copy public.big", copy.Output); // it was streaming, and was stopped
            Assert.DoesNotContain("done  copy public.big", copy.Output);
            Assert.Contains("interrupted", copy.Output);
            Assert.Contains("holds a partial copy", copy.Output);
            Assert.DoesNotContain("internal error", copy.Output);
        }
        await AssertNoPgMoveSessionsAsync(clusters.Source, Db);
        await AssertNoPgMoveSessionsAsync(clusters.Target, Target);

        var rerun = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target",
            clusters.Target.Uri(Target), "--jobs", "2", "--clean", "--dir", PgMoveProcess.StateDir());
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, Db, clusters.Target, Target);
    }

    /// <summary>Sessions end when pgmove's process does; allow the servers a moment to notice.</summary>
    static async Task AssertNoPgMoveSessionsAsync(PostgresCluster cluster, string database)
    {
        long left = 0;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            left = await cluster.ScalarAsync<long>("postgres",
                $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND application_name LIKE 'pgmove%'");
            if (left == 0) return;
            await Task.Delay(100);
        }
        Assert.Fail($"{left} pgmove session(s) still open on {database}");
    }
}
