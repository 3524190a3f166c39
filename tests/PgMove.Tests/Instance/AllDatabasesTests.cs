using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Instance;

/// <summary>
/// Issue 15: <c>copy/check/verify --all-databases</c> of a whole instance (pagila, chinook, northwind, a login role
/// that owns nothing, a database refusing connections), on two clusters of their own: every database is moved.
/// </summary>
public sealed class AllDatabasesTests : IAsyncLifetime
{
    PostgresCluster _source = null!, _target = null!;
    static readonly string[] Datasets3 = ["pagila", "chinook", "northwind"];

    public async Task InitializeAsync()
    {
        _source = await PostgresCluster.StartAsync("inst-source");
        _target = await PostgresCluster.StartAsync("inst-target");
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
    }

    [DatasetTheory]
    [InlineData(3)]
    public async Task All_databases_copy_moves_every_database_and_role_and_verify_names_a_differing_database(int jobs)
    {
        foreach (var dataset in Datasets3)
        {
            await _source.CreateDatabaseAsync(dataset);
            PostgresCluster.Run("bash", Datasets.LoadScript, dataset, _source.Uri(dataset));
        }
        await _source.ExecuteAsync("postgres", """
            CREATE ROLE inst_group NOLOGIN; CREATE ROLE inst_login LOGIN CONNECTION LIMIT 4 IN ROLE inst_group;
            ALTER ROLE inst_login SET search_path = app, public;
            ALTER ROLE inst_login IN DATABASE chinook SET work_mem = '6MB';
            """);
        await _source.ExecuteAsync("postgres", "CREATE DATABASE frozen");
        await _source.ExecuteAsync("frozen", "CREATE TABLE kept_out (id int)");
        await _source.ExecuteAsync("postgres", "ALTER DATABASE frozen ALLOW_CONNECTIONS false");
        var (source, target) = (_source.Uri("postgres"), _target.Uri("postgres"));

        var check = await PgMoveProcess.RunAsync("check", "--all-databases", "--source", source, "--target", target, "--jobs", $"{jobs}");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("pagila: target-database", check.Output);
        Assert.Contains("frozen: refuses connections", check.Output);

        var dir = PgMoveProcess.StateDir();
        var copy = await PgMoveProcess.RunAsync("copy", "--all-databases", "--source", source, "--target", target, "--jobs", $"{jobs}", "--dir", dir);
        Assert.True(copy.ExitCode == 0, copy.ToString());
        foreach (var db in Datasets3.Append("postgres")) Assert.Contains($"database {db}: ", copy.Stdout);
        Assert.Contains("frozen: refuses connections (datallowconn = false), not moved", copy.Output);
        Assert.False(await _target.DatabaseExistsAsync("frozen"));
        foreach (var db in Datasets3)
        {
            await DatabaseComparer.AssertEqualAsync(_source, db, _target, db);
            Assert.True(Directory.Exists(Path.Combine(dir, "db-" + db)));
        }
        // Workers are shared: no item ever ran on a worker above --jobs.
        Assert.DoesNotContain($"[w{jobs + 1}]", copy.Output);
        Assert.Equal("true 4 search_path=app, public", await _target.ScalarAsync<string>("postgres", """
            SELECT r.rolcanlogin || ' ' || r.rolconnlimit || ' ' || array_to_string(s.setconfig, ',')
            FROM pg_roles r JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0 WHERE r.rolname = 'inst_login'
            """));
        Assert.True(await _target.ScalarAsync<bool>("postgres",
            "SELECT EXISTS (SELECT FROM pg_auth_members WHERE member = 'inst_login'::regrole AND roleid = 'inst_group'::regrole)"));
        Assert.Equal("work_mem=6MB", await _target.ScalarAsync<string>("postgres", """
            SELECT array_to_string(s.setconfig, ',') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
            WHERE s.setrole = 'inst_login'::regrole AND d.datname = 'chinook'
            """));

        var equal = await PgMoveProcess.RunAsync("verify", "--all-databases", "--source", source, "--target", target);
        Assert.True(equal.ExitCode == 0, equal.ToString());
        Assert.Contains("all 4 database(s) equal, and the roles", equal.Stdout);

        // The copied target is no longer empty: check fails, naming the databases.
        var again = await PgMoveProcess.RunAsync("check", "--all-databases", "--source", source, "--target", target);
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("northwind: target-empty", again.Output);

        // Roles are compared too, by the planner the copy used: a changed attribute and a lost membership show.
        await _target.ExecuteAsync("postgres",
            "ALTER ROLE inst_login CONNECTION LIMIT 9; REVOKE inst_group FROM inst_login; ALTER ROLE inst_login IN DATABASE chinook RESET work_mem");
        var roles = await PgMoveProcess.RunAsync("verify", "--all-databases", "--source", source, "--target", target);
        Assert.True(roles.ExitCode == 1, roles.ToString());
        Assert.Contains("the roles differ (2)", roles.Stdout);
        Assert.Contains("not on the target: ALTER ROLE \"inst_login\" IN DATABASE \"chinook\" SET", roles.Stdout);
        Assert.Contains("role inst_login: exists on the target, left unchanged; differs: source CONNECTION LIMIT 4, target 9; not a member of inst_group",
            roles.Stdout);
        await _target.ExecuteAsync("postgres",
            "ALTER ROLE inst_login CONNECTION LIMIT 4; GRANT inst_group TO inst_login; ALTER ROLE inst_login IN DATABASE chinook SET work_mem = '6MB'");

        await _target.ExecuteAsync("chinook", "UPDATE artist SET name = name || '!' WHERE artist_id = 1");
        var differs = await PgMoveProcess.RunAsync("verify", "--all-databases", "--source", source, "--target", target);
        Assert.True(differs.ExitCode == 1, differs.ToString());
        Assert.Contains("1 of 4 database(s) differ: chinook", differs.Stdout);
    }

    [Fact]
    public async Task Resume_goes_on_per_database_and_a_second_run_without_it_refuses_naming_the_database()
    {
        foreach (var db in new[] { "alpha", "beta" })
        {
            await _source.CreateDatabaseAsync(db);
            await _source.ExecuteAsync(db, $"CREATE TABLE t AS SELECT g AS id, '{db}' AS v FROM generate_series(1, 500) g");
        }
        var (source, target) = (_source.Uri("postgres"), _target.Uri("postgres"));
        var dir = PgMoveProcess.StateDir();
        var first = await PgMoveProcess.RunAsync("copy", "--all-databases", "--source", source, "--target", target, "--dir", dir);
        Assert.True(first.ExitCode == 0, first.ToString());

        var again = await PgMoveProcess.RunAsync("copy", "--all-databases", "--source", source, "--target", target, "--dir", PgMoveProcess.StateDir());
        Assert.True(again.ExitCode == 6, again.ToString());
        Assert.Contains("is not empty", again.Stderr);
        Assert.Matches("database \"(alpha|beta)\"", again.Stderr);

        // A database the first run never saw has no state of its own: the resume copies it, and skips the finished ones.
        await _source.CreateDatabaseAsync("gamma");
        await _source.ExecuteAsync("gamma", "CREATE TABLE g AS SELECT generate_series(1, 300) AS id");
        var resumed = await PgMoveProcess.RunAsync("copy", "--all-databases", "--resume", "--source", source, "--target", target, "--dir", dir);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("database alpha: finished in the interrupted run, nothing to do", resumed.Stdout);
        Assert.Contains("database gamma: 1 table(s), 300 rows", resumed.Stdout);
        foreach (var db in new[] { "alpha", "beta", "gamma" }) await DatabaseComparer.AssertEqualAsync(_source, db, _target, db);
    }

    [Fact]
    public async Task A_non_superuser_target_user_joins_the_shared_owner_once_for_all_databases_and_leaves_it_at_the_end()
    {
        await Globals.RoleFixtures.EnsureMigratorAsync(_target);
        await _source.ExecuteAsync("postgres", "CREATE ROLE shared_owner NOLOGIN");
        foreach (var db in new[] { "one", "two", "three" })
        {
            await _source.ExecuteAsync("postgres", $"CREATE DATABASE {db} OWNER shared_owner");
            await _source.ExecuteAsync(db, "CREATE TABLE t AS SELECT generate_series(1, 2000) AS id; ALTER TABLE t OWNER TO shared_owner; " +
                                           "CREATE INDEX ON t (id)");
        }
        var result = await PgMoveProcess.RunAsync("copy", "--all-databases", "--source", _source.Uri("postgres"),
            "--target", _target.Uri("postgres", "migrator", Globals.RoleFixtures.MigratorPassword), "--superuser-role", "rds_superuser",
            "--jobs", "2", "--dir", PgMoveProcess.StateDir());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Output, "granted migrator temporary membership in shared_owner"));
        Assert.Contains("revoked the temporary membership of migrator in shared_owner", result.Output);
        Assert.False(await Globals.RoleFixtures.IsMemberAsync(_target, "migrator", "shared_owner"));
        foreach (var db in new[] { "one", "two", "three" })
        {
            Assert.Equal("", await Globals.RoleFixtures.ForeignOwnedAsync(_target, db, "shared_owner"));
            await DatabaseComparer.AssertEqualAsync(_source, db, _target, db);
        }
    }

    [Fact]
    public async Task A_killed_all_databases_copy_resumes_each_database_from_its_own_state()
    {
        await _source.CreateDatabaseAsync("bigone");
        await _source.ExecuteAsync("bigone", "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 1500000) g; " +
                                             "ALTER TABLE big ADD PRIMARY KEY (id); CREATE TABLE small AS SELECT 1 AS id");
        await _source.CreateDatabaseAsync("tiny");
        await _source.ExecuteAsync("tiny", "CREATE TABLE t AS SELECT generate_series(1, 100) AS id");
        var (source, target) = (_source.Uri("postgres"), _target.Uri("postgres"));
        var dir = PgMoveProcess.StateDir();
        using (var copy = BackgroundPgMove.Start("copy", "--all-databases", "--source", source, "--target", target, "--jobs", "2", "--dir", dir))
        {
            await copy.WaitForOutputAsync("start copy public.big", TimeSpan.FromMinutes(2));
            await Task.Delay(300);
            copy.Kill9();
        }
        Assert.True(File.Exists(Path.Combine(dir, "db-bigone", "manifest.json")));

        var resumed = await PgMoveProcess.RunAsync("copy", "--all-databases", "--resume", "--source", source, "--target", target,
            "--jobs", "2", "--dir", dir);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resume: ", resumed.Stdout); // bigone's interrupted run is resumed, not started again
        foreach (var db in new[] { "bigone", "tiny" }) await DatabaseComparer.AssertEqualAsync(_source, db, _target, db);
    }
}
