using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Resume;

/// <summary>
/// A resume that cannot work says why in one line, exits 11 and changes nothing; a source changed between the crash
/// and the resume gets its changed tables copied again (and named), or a refusal when pgmove cannot tell; a target
/// restarted under the copy fails it with a clear error, and the resume finishes it.
/// </summary>
[Collection("clusters")]
public sealed class ResumeRefusalAndChangeTests(ClusterPair clusters)
{
    const string Target = "resume_refusals";

    [Fact]
    public async Task Every_resume_that_cannot_work_is_refused_and_changes_nothing()
    {
        await ResumeFixture.CreateSourceAsync(clusters.Source);
        var missing = await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, Target, "/nonexistent/pgmove-dir", "--resume"));
        AssertRefused(missing, "does not exist");
        var foreign = PgMoveProcess.StateDir();
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "not pgmove");
        AssertRefused(await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, Target, foreign, "--resume")), "holds no recorded copy run");

        var dir = PgMoveProcess.StateDir();
        await ResumeFixture.KillDuringAsync(clusters, Target, dir, "start index big_payload", TimeSpan.Zero);
        await ResumeFixture.WaitForKilledRunSessionsAsync(clusters.Target, Target);
        AssertRefused(await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, "resume_other", dir, "--resume")), "not to database \"resume_other\"");
        AssertRefused(await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, Target, dir, "--resume", "--no-owner")), "options differ");
        Assert.False(await clusters.Target.DatabaseExistsAsync("resume_other"));

        // Someone else's change to a loaded table: big is always loaded once its index build has started.
        await clusters.Target.ExecuteAsync(Target, "TRUNCATE public.big CASCADE");
        var before = await TargetStateAsync();
        AssertRefused(await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, Target, dir, "--resume")), "target was changed since the interrupted run");
        Assert.Equal(before, await TargetStateAsync());

        var clean = await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, Target, PgMoveProcess.StateDir(), "--clean"));
        Assert.True(clean.ExitCode == 0, clean.ToString());
    }

    [Fact]
    public async Task A_source_changed_between_crash_and_resume_has_its_changed_tables_copied_again()
    {
        await ResumeFixture.CreateSourceAsync(clusters.Source);
        const string target = "resume_changed";
        var dir = PgMoveProcess.StateDir();
        await ResumeFixture.KillDuringAsync(clusters, target, dir, "start index big_payload", TimeSpan.Zero);
        await clusters.Source.ExecuteAsync(ResumeFixture.Db, "UPDATE small_7 SET v = v || '!' WHERE id < 5; INSERT INTO big VALUES (400001, 'late', 1)");
        try
        {
            var resumed = await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, target, dir, "--resume"));
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.Matches("copied again: .*public.big", resumed.Output);
            Assert.Matches("copied again: .*public.small_7", resumed.Output);
            Assert.DoesNotMatch("copied again: .*public.small_8[,;]", resumed.Output);
            await ResumeFixture.AssertCopiedAsync(clusters, target);

            // Counters reset: pgmove cannot tell what changed, refuses, and goes on only when told to.
            var dir2 = PgMoveProcess.StateDir();
            await ResumeFixture.KillDuringAsync(clusters, target, dir2, "start index big_payload", TimeSpan.Zero);
            await clusters.Source.ExecuteAsync(ResumeFixture.Db, "SELECT pg_stat_reset()");
            AssertRefused(await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, target, dir2, "--resume")), "cannot tell which source tables changed");
            var accepted = await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, target, dir2, "--resume", "--accept-source-changes"));
            Assert.True(accepted.ExitCode == 0, accepted.ToString());
            await ResumeFixture.AssertCopiedAsync(clusters, target);

            // A schema change cannot be resumed over.
            var dir3 = PgMoveProcess.StateDir();
            await ResumeFixture.KillDuringAsync(clusters, target, dir3, "start index big_payload", TimeSpan.Zero);
            await clusters.Source.ExecuteAsync(ResumeFixture.Db, "CREATE VIEW late_view AS SELECT 1 AS one");
            AssertRefused(await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, target, dir3, "--resume")), "schema");
        }
        finally
        {
            await clusters.Source.ExecuteAsync(ResumeFixture.Db, "DROP VIEW IF EXISTS late_view; DELETE FROM big WHERE id = 400001; " +
                                                                 "UPDATE small_7 SET v = rtrim(v, '!')");
        }
    }

    [Fact]
    public async Task A_target_restarted_mid_copy_fails_clearly_and_resume_finishes()
    {
        await ResumeFixture.CreateSourceAsync(clusters.Source);
        const string target = "resume_restart";
        var dir = PgMoveProcess.StateDir();
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {target} WITH (FORCE)");
        int exit;
        string output;
        using (var copy = BackgroundPgMove.Start(ResumeFixture.Copy(clusters, target, dir)))
        {
            await copy.WaitForOutputAsync("start copy public.big", TimeSpan.FromMinutes(2));
            PostgresCluster.Run("sh", "-c", clusters.Target.StopCommand().Replace("-m immediate", "-m fast"));
            clusters.Target.Start();
            exit = await copy.WaitForExitAsync(TimeSpan.FromMinutes(1));
            output = copy.Output;
        }
        Assert.True(exit == 10, output);
        Assert.Contains("run again with --resume --dir", output);
        var resumed = await PgMoveProcess.RunAsync(ResumeFixture.Copy(clusters, target, dir, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        await ResumeFixture.AssertCopiedAsync(clusters, target);
        var verify = await PgMoveProcess.RunAsync("verify", "--source", clusters.Source.Uri(ResumeFixture.Db), "--target", clusters.Target.Uri(target));
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    static void AssertRefused(PgMoveProcess.Result result, string why)
    {
        Assert.True(result.ExitCode == 11, result.ToString());
        Assert.Contains(why, result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("pgmove: error:", StringComparison.Ordinal));
    }

    /// <summary>What a refused resume must leave alone: the target's tables, their files and row counts.</summary>
    Task<string> TargetStateAsync() => clusters.Target.ScalarAsync<string>(Target, """
        SELECT string_agg(c.relname || ':' || pg_relation_filenode(c.oid) || ':' || c.reltuples, ',' ORDER BY c.relname)
        FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
        """);
}
