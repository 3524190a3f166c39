using System.Text.Json;
using Npgsql;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Globals;

/// <summary><c>pgmove roles</c>, passwords, --owner-map, and copies without --roles.</summary>
[Collection("clusters")]
public sealed class RolesCommandTests(ClusterPair clusters)
{
    [Fact]
    public async Task Existing_roles_are_left_unchanged_and_their_differences_reported()
    {
        string[] roles = ["ex_rw", "ex_owner"];
        await RoleFixtures.DropAsync(clusters.Source, ["ex_src"], roles);
        await RoleFixtures.DropAsync(clusters.Target, [], roles);
        await RoleFixtures.EnsureMigratorAsync(clusters.Target);
        try
        {
            await clusters.Source.ExecuteAsync("postgres", "CREATE ROLE ex_owner NOLOGIN; CREATE ROLE ex_rw LOGIN CONNECTION LIMIT 3 IN ROLE ex_owner");
            await clusters.Source.ExecuteAsync("postgres", "CREATE DATABASE ex_src OWNER ex_owner");
            await clusters.Source.ExecuteAsync("ex_src", "CREATE TABLE t (id int); ALTER TABLE t OWNER TO ex_owner; GRANT SELECT ON t TO ex_rw");
            await clusters.Target.ExecuteAsync("postgres", "CREATE ROLE ex_rw NOLOGIN");
            var target = clusters.Target.Uri("postgres", "migrator", RoleFixtures.MigratorPassword);

            var dry = await PgMoveProcess.RunAsync("roles", "--source", clusters.Source.Uri("ex_src"), "--target", target, "--dry-run");
            Assert.True(dry.ExitCode == 0, dry.ToString());
            Assert.Contains("pgmove roles: dry run, nothing changed", dry.Stdout);
            Assert.Contains("CREATE ROLE \"ex_owner\" WITH NOLOGIN", dry.Stdout);
            Assert.False(await clusters.Target.ScalarAsync<bool>("postgres", "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ex_owner')"));

            var run = await PgMoveProcess.RunAsync("roles", "--source", clusters.Source.Uri("ex_src"), "--target", target, "--json");
            Assert.True(run.ExitCode == 0, run.ToString());
            using var report = JsonDocument.Parse(run.Stdout);
            var byName = report.RootElement.GetProperty("roles").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
            Assert.Equal("created", byName["ex_owner"].GetProperty("status").GetString());
            Assert.Equal("exists", byName["ex_rw"].GetProperty("status").GetString());
            var note = byName["ex_rw"].GetProperty("notes")[0].GetString()!;
            Assert.Contains("left unchanged", note);
            Assert.Contains("source LOGIN, target NOLOGIN", note);
            Assert.Contains("source CONNECTION LIMIT 3, target -1", note);
            Assert.Contains("not a member of ex_owner", note);
            Assert.Contains("role ex_rw: exists on the target, left unchanged", run.Stderr);

            Assert.Equal("false -1", await clusters.Target.ScalarAsync<string>("postgres",
                "SELECT rolcanlogin || ' ' || rolconnlimit FROM pg_roles WHERE rolname = 'ex_rw'"));
            Assert.False(await RoleFixtures.IsMemberAsync(clusters.Target, "ex_rw", "ex_owner"));
            Assert.True(await clusters.Target.ScalarAsync<bool>("postgres", "SELECT NOT rolcanlogin FROM pg_roles WHERE rolname = 'ex_owner'"));
        }
        finally
        {
            await RoleFixtures.DropAsync(clusters.Target, [], roles);
            await RoleFixtures.DropAsync(clusters.Source, ["ex_src"], roles);
        }
    }

    [Fact]
    public async Task Role_passwords_copy_the_hash_so_the_password_works_on_the_target()
    {
        string[] roles = ["pw_login", "pw_reader"];
        const string password = "Login-Secret-77", readerPassword = "Reader-Secret-5";
        await RoleFixtures.DropAsync(clusters.Source, ["pw_src"], roles);
        await RoleFixtures.DropAsync(clusters.Target, ["pw_dst"], roles);
        await RoleFixtures.EnsureMigratorAsync(clusters.Target);
        try
        {
            await clusters.Source.ExecuteAsync("postgres",
                $"CREATE ROLE pw_login LOGIN PASSWORD '{password}'; CREATE ROLE pw_reader LOGIN PASSWORD '{readerPassword}'");
            await clusters.Source.CreateDatabaseAsync("pw_src");
            await clusters.Source.ExecuteAsync("pw_src", "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2); GRANT SELECT ON t TO pw_login, pw_reader");
            // Owned by postgres, the objects could not be given their owner by the non-superuser migrator.
            await clusters.Source.ExecuteAsync("pw_src", "ALTER TABLE t OWNER TO pw_login; ALTER DATABASE pw_src OWNER TO pw_login");
            var target = clusters.Target.Uri("pw_dst", "migrator", RoleFixtures.MigratorPassword);

            // A source user that cannot read pg_authid: one clear error, nothing created.
            var denied = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri("pw_src", "pw_reader", readerPassword),
                "--target", target, "--roles", "--role-passwords", "--dir", PgMoveProcess.StateDir());
            Assert.True(denied.ExitCode == 5, denied.ToString());
            Assert.Contains("--role-passwords: the source user may not read pg_authid", denied.Stderr);
            Assert.False(await clusters.Target.DatabaseExistsAsync("pw_dst"));
            Assert.False(await clusters.Target.ScalarAsync<bool>("postgres", "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pw_login')"));

            var hash = await clusters.Source.ScalarAsync<string>("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'pw_login'");
            var copied = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri("pw_src"), "--target", target,
                "--roles", "--role-passwords", "--dir", PgMoveProcess.StateDir());
            Assert.True(copied.ExitCode == 0, copied.ToString());
            Assert.DoesNotContain(hash, copied.Output);
            Assert.DoesNotContain(password, copied.Output);
            Assert.Equal(hash, await clusters.Target.ScalarAsync<string>("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'pw_login'"));

            await using var login = new NpgsqlConnection(
                $"Host=127.0.0.1;Port={clusters.Target.Port};Username=pw_login;Password={password};Database=pw_dst;Pooling=false");
            await login.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM t", login);
            Assert.Equal(2L, (long)(await cmd.ExecuteScalarAsync())!);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await RoleFixtures.DropAsync(clusters.Target, ["pw_dst"], roles);
            await RoleFixtures.DropAsync(clusters.Source, ["pw_src"], roles);
        }
    }

    [Fact]
    public async Task Owner_map_hands_objects_and_privileges_to_the_new_role()
    {
        string[] roles = ["om_reader", "om_old", "om_new"];
        await RoleFixtures.DropAsync(clusters.Source, ["om_src"], roles);
        await RoleFixtures.DropAsync(clusters.Target, ["om_dst"], roles);
        await RoleFixtures.EnsureMigratorAsync(clusters.Target);
        try
        {
            await clusters.Source.ExecuteAsync("postgres", "CREATE ROLE om_old NOLOGIN CREATEDB; CREATE ROLE om_reader NOLOGIN");
            await clusters.Source.ExecuteAsync("postgres", "CREATE DATABASE om_src OWNER om_old");
            await clusters.Source.ExecuteAsync("om_src", """
                SET ROLE om_old;
                CREATE SCHEMA s;
                CREATE TABLE s.t (id int PRIMARY KEY, v text);
                INSERT INTO s.t SELECT g, 'v' || g FROM generate_series(1, 100) g;
                CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
                GRANT USAGE ON SCHEMA s TO om_reader;
                GRANT SELECT ON s.t TO om_reader;
                GRANT UPDATE (v) ON s.t TO om_reader;
                ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO om_reader;
                """);
            var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri("om_src"),
                "--target", clusters.Target.Uri("om_dst", "migrator", RoleFixtures.MigratorPassword),
                "--roles", "--owner-map", "om_old=om_new", "--dir", PgMoveProcess.StateDir());
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("role om_new: created from source role om_old (--owner-map)", result.Stdout);
            Assert.Contains("temporary role om_old dropped", result.Stdout);

            var t = clusters.Target;
            Assert.False(await t.ScalarAsync<bool>("postgres", "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'om_old')"));
            Assert.True(await t.ScalarAsync<bool>("postgres", "SELECT rolcreatedb AND NOT rolcanlogin FROM pg_roles WHERE rolname = 'om_new'"));
            Assert.Equal("", await RoleFixtures.ForeignOwnedAsync(t, "om_dst", "om_new"));
            Assert.Equal("om_new=arwdDxt/om_new,om_reader=r/om_new", await t.ScalarAsync<string>("om_dst",
                "SELECT array_to_string(relacl, ',') FROM pg_class WHERE oid = 's.t'::regclass"));
            Assert.Equal("om_reader=w/om_new", await t.ScalarAsync<string>("om_dst",
                "SELECT array_to_string(attacl, ',') FROM pg_attribute WHERE attrelid = 's.t'::regclass AND attname = 'v'"));
            Assert.Equal("om_new s om_reader=r/om_new", await t.ScalarAsync<string>("om_dst",
                "SELECT pg_get_userbyid(defaclrole) || ' ' || defaclnamespace::regnamespace || ' ' || array_to_string(defaclacl, ',') FROM pg_default_acl"));
            Assert.Equal(await DatabaseComparer.ContentAsync(clusters.Source, "om_src"), await DatabaseComparer.ContentAsync(t, "om_dst"));
            Assert.False(await RoleFixtures.IsMemberAsync(t, "migrator", "om_new"));
        }
        finally
        {
            await RoleFixtures.DropAsync(clusters.Target, ["om_dst"], roles);
            await RoleFixtures.DropAsync(clusters.Source, ["om_src"], roles);
        }
    }

    [Fact]
    public async Task Bad_role_options_fail_with_one_line_and_change_nothing()
    {
        string[] roles = ["bad_admin", "bad_plain"];
        await RoleFixtures.DropAsync(clusters.Source, ["bad_src"], roles);
        await RoleFixtures.DropAsync(clusters.Target, [], roles);
        await RoleFixtures.EnsureMigratorAsync(clusters.Target);
        await clusters.Target.ExecuteAsync("postgres", """
            DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'no_createrole') THEN
              CREATE ROLE no_createrole LOGIN PASSWORD 'No-Createrole-1'; END IF; END $$
            """);
        try
        {
            await clusters.Source.ExecuteAsync("postgres", "CREATE ROLE bad_admin SUPERUSER; CREATE ROLE bad_plain");
            await clusters.Source.CreateDatabaseAsync("bad_src");
            await clusters.Source.ExecuteAsync("bad_src", "CREATE TABLE t (id int); GRANT SELECT ON t TO bad_admin, bad_plain");
            var source = clusters.Source.Uri("bad_src");

            var noCreateRole = await PgMoveProcess.RunAsync("roles", "--source", source,
                "--target", clusters.Target.Uri("postgres", "no_createrole", "No-Createrole-1"));
            Assert.True(noCreateRole.ExitCode == 5, noCreateRole.ToString());
            Assert.Contains("has neither CREATEROLE nor SUPERUSER", noCreateRole.Stderr);

            var migrator = clusters.Target.Uri("postgres", "migrator", RoleFixtures.MigratorPassword);
            var missingRole = await PgMoveProcess.RunAsync("roles", "--source", source, "--target", migrator, "--superuser-role", "no_such_role");
            Assert.True(missingRole.ExitCode == 2, missingRole.ToString());
            Assert.Contains("--superuser-role: role \"no_such_role\" does not exist on the target", missingRole.Stderr);

            // migrator holds no ADMIN OPTION on no_createrole.
            var notGrantable = await PgMoveProcess.RunAsync("roles", "--source", source, "--target", migrator, "--superuser-role", "no_createrole");
            Assert.True(notGrantable.ExitCode == 5, notGrantable.ToString());
            Assert.Contains("may not grant membership in \"no_createrole\"", notGrantable.Stderr);

            var badMap = await PgMoveProcess.RunAsync("copy", "--source", source, "--target", migrator, "--owner-map", "bad_plain");
            Assert.True(badMap.ExitCode == 2, badMap.ToString());
            Assert.Contains("--owner-map expects old=new", badMap.Stderr);

            foreach (var result in new[] { noCreateRole, missingRole, notGrantable, badMap })
                Assert.Single(result.Stderr.Split('\n'), l => l.StartsWith("pgmove: error:"));
            Assert.Equal(0L, await clusters.Target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bad\\_%'"));
        }
        finally
        {
            await RoleFixtures.DropAsync(clusters.Target, [], roles);
            await RoleFixtures.DropAsync(clusters.Source, ["bad_src"], roles);
        }
    }

    [Fact]
    public async Task Temporary_memberships_are_revoked_when_the_copy_fails()
    {
        string[] roles = ["fail_owner"];
        await RoleFixtures.DropAsync(clusters.Source, ["fail_src"], roles);
        await RoleFixtures.DropAsync(clusters.Target, ["fail_dst"], roles);
        await RoleFixtures.EnsureMigratorAsync(clusters.Target);
        try
        {
            await clusters.Source.ExecuteAsync("postgres", "CREATE ROLE fail_owner NOLOGIN");
            await clusters.Source.ExecuteAsync("postgres", "CREATE DATABASE fail_src OWNER fail_owner");
            // A CHECK that depends on who loads the rows: the source's rows break it when migrator loads them.
            await clusters.Source.ExecuteAsync("fail_src", """
                SET ROLE fail_owner;
                CREATE TABLE t (id int PRIMARY KEY, who text CHECK (who <> current_user));
                RESET ROLE;
                INSERT INTO t VALUES (1, 'migrator');
                """);
            var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri("fail_src"),
                "--target", clusters.Target.Uri("fail_dst", "migrator", RoleFixtures.MigratorPassword), "--roles", "--dir", PgMoveProcess.StateDir());
            // The COPY error is exit 70 today (CopyRunner maps a raw PostgresException to "internal error"); any failure will do.
            Assert.True(result.ExitCode != 0, result.ToString());
            Assert.Contains("violates check constraint", result.Stderr);
            Assert.Contains("granted migrator temporary membership in fail_owner", result.Stdout);
            Assert.Contains("revoked the temporary membership of migrator in fail_owner", result.Stdout);
            Assert.False(await RoleFixtures.IsMemberAsync(clusters.Target, "migrator", "fail_owner"));
        }
        finally
        {
            await RoleFixtures.DropAsync(clusters.Target, ["fail_dst"], roles);
            await RoleFixtures.DropAsync(clusters.Source, ["fail_src"], roles);
        }
    }

    [Fact]
    public async Task Non_superuser_copy_without_roles_joins_the_existing_owner_role_for_the_run_only()
    {
        string[] roles = ["nr_owner"];
        await RoleFixtures.DropAsync(clusters.Source, ["nr_src"], roles);
        await RoleFixtures.DropAsync(clusters.Target, ["nr_dst"], roles);
        await RoleFixtures.EnsureMigratorAsync(clusters.Target);
        try
        {
            await clusters.Source.ExecuteAsync("postgres", "CREATE ROLE nr_owner NOLOGIN");
            await clusters.Source.ExecuteAsync("postgres", "CREATE DATABASE nr_src OWNER nr_owner");
            await clusters.Source.ExecuteAsync("nr_src", """
                SET ROLE nr_owner;
                CREATE TABLE t (id int PRIMARY KEY, v text);
                INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 300) g;
                CREATE INDEX ON t (v);
                """);
            await clusters.Target.ExecuteAsync("postgres", "CREATE ROLE nr_owner NOLOGIN");
            var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri("nr_src"),
                "--target", clusters.Target.Uri("nr_dst", "migrator", RoleFixtures.MigratorPassword), "--dir", PgMoveProcess.StateDir());
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("granted migrator temporary membership in nr_owner", result.Stdout);
            Assert.DoesNotContain("created 1 role", result.Stdout);
            Assert.Equal("", await RoleFixtures.ForeignOwnedAsync(clusters.Target, "nr_dst", "nr_owner"));
            await DatabaseComparer.AssertEqualAsync(clusters.Source, "nr_src", clusters.Target, "nr_dst");
            Assert.False(await RoleFixtures.IsMemberAsync(clusters.Target, "migrator", "nr_owner"));
        }
        finally
        {
            await RoleFixtures.DropAsync(clusters.Target, ["nr_dst"], roles);
            await RoleFixtures.DropAsync(clusters.Source, ["nr_src"], roles);
        }
    }

    [Fact]
    public async Task Copy_without_roles_creates_no_role_and_refuses_superuser_owners_for_a_non_superuser_target()
    {
        await clusters.Source.CreateDatabaseAsync("noroles_src");
        await clusters.Source.ExecuteAsync("noroles_src", "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        await RoleFixtures.DropAsync(clusters.Target, ["noroles_dst", "noroles_dst2"], []);
        await RoleFixtures.EnsureMigratorAsync(clusters.Target);
        var rolesBefore = await clusters.Target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_roles");

        var plain = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri("noroles_src"),
            "--target", clusters.Target.Uri("noroles_dst"), "--dir", PgMoveProcess.StateDir());
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.DoesNotMatch(@"\brole\b|role\(s\)|temporary membership", plain.Stdout);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, "noroles_src", clusters.Target, "noroles_dst");
        Assert.Equal(rolesBefore, await clusters.Target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_roles"));

        // Objects owned by postgres, a superuser on the target too: a non-superuser cannot give them that owner.
        var refused = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri("noroles_src"),
            "--target", clusters.Target.Uri("noroles_dst2", "migrator", RoleFixtures.MigratorPassword), "--dir", PgMoveProcess.StateDir());
        Assert.True(refused.ExitCode == 5, refused.ToString());
        Assert.Contains("owned by postgres, a superuser on the target", refused.Stderr);
        Assert.Contains("--no-owner", refused.Stderr);
        Assert.False(await clusters.Target.DatabaseExistsAsync("noroles_dst2"));

        var noOwner = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri("noroles_src"),
            "--target", clusters.Target.Uri("noroles_dst2", "migrator", RoleFixtures.MigratorPassword), "--no-owner", "--dir", PgMoveProcess.StateDir());
        Assert.True(noOwner.ExitCode == 0, noOwner.ToString());
        Assert.Equal("", await RoleFixtures.ForeignOwnedAsync(clusters.Target, "noroles_dst2", "migrator"));
        Assert.Equal(await DatabaseComparer.ContentAsync(clusters.Source, "noroles_src"), await DatabaseComparer.ContentAsync(clusters.Target, "noroles_dst2"));
        await RoleFixtures.DropAsync(clusters.Target, ["noroles_dst", "noroles_dst2"], []);
    }
}
