using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Preflight;

/// <summary>
/// The check is only useful if it agrees with the copy: where it passes, the copy succeeds; where it fails an item,
/// the copy fails too. Runs both commands on the same situations.
/// </summary>
[Collection("clusters")]
public sealed class CheckPredictsCopyTests(ClusterPair clusters)
{
    static Task<PgMoveProcess.Result> CopyAsync(string source, string target, params string[] extra) =>
        PgMoveProcess.RunAsync(["copy", "--source", source, "--target", target, "--dir", PgMoveProcess.StateDir(), .. extra]);

    [Fact]
    public async Task A_passing_check_is_followed_by_a_successful_copy()
    {
        const string db = "pf_predict_ok";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var check = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
        check.ExpectExit(0);
        var copy = await CopyAsync(clusters.Source.Uri(db), clusters.Target.Uri(db));
        Assert.True(copy.ExitCode == 0, copy.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    [Fact]
    public async Task Failing_owner_membership_and_missing_roles_make_the_copy_fail_too()
    {
        const string db = "pf_predict_roles";
        await CheckCommandTests.EnsureLoginRoleAsync(clusters.Target, "pf_predict_user", "pf-predict-pw", "CREATEDB");
        await clusters.Source.ExecuteAsync("postgres",
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pf_predict_owner') THEN CREATE ROLE pf_predict_owner; END IF; END $$");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t OWNER TO pf_predict_owner");
        var target = clusters.Target.Uri(db, "pf_predict_user", "pf-predict-pw");

        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var check = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", target);
        check.ExpectExit(1);
        check.Expect("roles", "fail");
        var copy = await CopyAsync(clusters.Source.Uri(db), target);
        Assert.True(copy.ExitCode == 10, copy.ToString());
        Assert.Contains("pf_predict_owner", copy.Stderr);

        // With the role there but the user not a member of it, ALTER TABLE … OWNER TO still fails.
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Target.ExecuteAsync("postgres",
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pf_predict_owner') THEN CREATE ROLE pf_predict_owner; END IF; END $$");
        var check2 = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", target);
        check2.Expect("roles", "ok");
        check2.Expect("ownership", "fail");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var copy2 = await CopyAsync(clusters.Source.Uri(db), target);
        // Copy refuses before creating anything: it would have to join the owner role and may not.
        Assert.True(copy2.ExitCode == 5, copy2.ToString());
        Assert.Contains("cannot join role \"pf_predict_owner\"", copy2.Stderr);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));

        // Membership alone is not enough: the new database belongs to the user (postgres, the source's owner, cannot be
        // given), so pf_predict_owner may not CREATE in its public schema, and ALTER TABLE … OWNER TO it is refused.
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Target.ExecuteAsync("postgres", "GRANT pf_predict_owner TO pf_predict_user");
        try
        {
            var check3 = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", target);
            check3.ExpectExit(1);
            Assert.Contains("pf_predict_owner in public", check3.Expect("ownership", "fail").Evidence);
            var copy3 = await CopyAsync(clusters.Source.Uri(db), target);
            Assert.True(copy3.ExitCode == 10, copy3.ToString());

            // Applying the fix (a target database where the owner may CREATE in public) makes both pass.
            await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            await clusters.Target.ExecuteAsync("postgres", $"CREATE DATABASE {db} OWNER pf_predict_user");
            await clusters.Target.ExecuteAsync(db, "GRANT CREATE ON SCHEMA public TO pf_predict_owner");
            var check4 = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", target);
            check4.ExpectExit(0);
            var copy4 = await CopyAsync(clusters.Source.Uri(db), target);
            Assert.True(copy4.ExitCode == 0, copy4.ToString());
            Assert.Equal("pf_predict_owner", await clusters.Target.ScalarAsync<string>(db, "SELECT tableowner::text FROM pg_tables WHERE tablename = 't'"));
        }
        finally
        {
            await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            await clusters.Target.ExecuteAsync("postgres", "REVOKE pf_predict_owner FROM pf_predict_user");
        }
    }
}
