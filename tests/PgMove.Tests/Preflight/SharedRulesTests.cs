using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Preflight;

/// <summary>
/// Check and copy answer from the same rules: a superuser owner (check never advises granting a superuser role; copy
/// refuses with the same words) and the target database's encoding (a SQL_ASCII target fails check and copy refuses it).
/// </summary>
[Collection("clusters")]
public sealed class SharedRulesTests(ClusterPair clusters)
{
    static Task<PgMoveProcess.Result> CopyAsync(string source, string target) =>
        PgMoveProcess.RunAsync("copy", "--source", source, "--target", target, "--dir", PgMoveProcess.StateDir());

    [Fact]
    public async Task A_superuser_owner_is_never_fixed_by_granting_the_superuser_role_and_copy_says_the_same()
    {
        const string db = "rules_super_owner";
        await CheckCommandTests.EnsureLoginRoleAsync(clusters.Target, "rules_user", "rules-pw", "CREATEDB");
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY)");   // owned by postgres, a superuser on the target too
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var target = clusters.Target.Uri(db, "rules_user", "rules-pw");

        var check = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", target);
        check.ExpectExit(1);
        var (evidence, fix) = check.Expect("ownership", "fail");
        Assert.Contains("owned by postgres, a superuser on the target", evidence);
        Assert.DoesNotContain("GRANT \"postgres\"", fix);
        Assert.DoesNotContain("GRANT postgres", fix);
        Assert.Contains("--owner-map postgres=ROLE", fix);

        var copy = await CopyAsync(clusters.Source.Uri(db), target);
        Assert.True(copy.ExitCode == 5, copy.ToString());
        Assert.Contains("the source's objects are owned by postgres, a superuser on the target, and user \"rules_user\" is not a superuser there", copy.Stderr);
        Assert.Contains("--owner-map postgres=ROLE", copy.Stderr);
        Assert.Contains("the source's objects are owned by postgres, a superuser on the target, and user \"rules_user\" is not a superuser there", evidence);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
    }

    [Fact]
    public async Task A_sql_ascii_target_fails_check_and_copy_refuses_it_before_changing_anything()
    {
        const string db = "rules_sql_ascii";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'Grüße')");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Target.ExecuteAsync("postgres", $"CREATE DATABASE {db} ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");

        var check = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
        check.ExpectExit(1);
        var (evidence, fix) = check.Expect("encoding", "fail");
        Assert.Contains("source UTF8, existing target database SQL_ASCII", evidence);

        var copy = await CopyAsync(clusters.Source.Uri(db), clusters.Target.Uri(db));
        Assert.True(copy.ExitCode == 9, copy.ToString());
        Assert.Contains(evidence, copy.Stderr);        // the same rule, the same words
        Assert.Contains(fix!, copy.Stderr);
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pg_class WHERE relname = 't'"));
    }
}
