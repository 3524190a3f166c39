using Npgsql;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Globals;

/// <summary>
/// Issue 5's test: a database whose objects belong to app_owner, copied with --roles --superuser-role rds_superuser
/// into a target where the connecting user is a CREATEROLE non-superuser, as on RDS.
/// </summary>
[Collection("clusters")]
public sealed class RolesCopyTests(ClusterPair clusters)
{
    const string Src = "roles_src", Dst = "roles_dst";
    static readonly string[] Roles = ["app_rw", "app_admin", "app_owner"];

    [Fact]
    public async Task Copy_with_roles_into_a_managed_style_target_recreates_roles_owners_and_grants()
    {
        await RoleFixtures.DropAsync(clusters.Source, [Src], Roles);
        await RoleFixtures.DropAsync(clusters.Target, [Dst], Roles);
        await RoleFixtures.EnsureMigratorAsync(clusters.Target);
        try
        {
            await CreateSourceAsync();
            var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Src),
                "--target", clusters.Target.Uri(Dst, "migrator", RoleFixtures.MigratorPassword),
                "--roles", "--superuser-role", "rds_superuser", "--dir", PgMoveProcess.StateDir());
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.DoesNotContain(RoleFixtures.MigratorPassword, result.Output);

            var t = clusters.Target;
            Assert.Equal("app_admin false true|app_owner false false|app_rw false true", await t.ScalarAsync<string>("postgres",
                "SELECT string_agg(rolname || ' ' || rolsuper || ' ' || rolcanlogin, '|' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'app\\_%'"));
            Assert.True(await RoleFixtures.IsMemberAsync(t, "app_admin", "rds_superuser"));
            Assert.True(await RoleFixtures.IsMemberAsync(t, "app_rw", "app_owner"));
            Assert.Equal("statement_timeout=5s", await t.ScalarAsync<string>("postgres",
                "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setrole = 'app_rw'::regrole AND setdatabase = 0"));
            Assert.Equal("work_mem=8MB", await t.ScalarAsync<string>("postgres",
                $"SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE setrole = 'app_rw'::regrole AND d.datname = '{Dst}'"));
            Assert.Equal("", await RoleFixtures.ForeignOwnedAsync(t, Dst, "app_owner"));
            Assert.Equal("app_admin=arwdDxt/app_owner,app_owner=arwdDxt/app_owner,app_rw=r/app_owner", await t.ScalarAsync<string>(Dst,
                "SELECT string_agg(a::text, ',' ORDER BY a::text) FROM pg_class c, unnest(c.relacl) a WHERE c.oid = 'app.items'::regclass"));
            Assert.Equal("app_rw=r/app_owner", await t.ScalarAsync<string>(Dst,
                "SELECT string_agg(a::text, ',' ORDER BY a::text) FROM pg_class c, unnest(c.relacl) a WHERE c.oid = 'public.notes'::regclass AND a::text LIKE 'app_rw%'"));
            // Database privileges, which pg_dump leaves out.
            const string datacl = "SELECT array_to_string(ARRAY(SELECT a::text FROM unnest(datacl) a ORDER BY 1), ',') FROM pg_database WHERE datname = current_database()";
            Assert.Equal("app_owner=CTc/app_owner,app_rw=c/app_owner", await t.ScalarAsync<string>(Dst, datacl));
            // Schema (owners and GRANTs included, as pg_dump prints them), sequences and every row.
            await DatabaseComparer.AssertEqualAsync(clusters.Source, Src, t, Dst);

            // The run says what it mapped, and the migrating user left the owner role it joined for the restore.
            Assert.Contains("role app_admin: SUPERUSER mapped to membership in rds_superuser", result.Stdout);
            Assert.Contains("granted migrator temporary membership in app_owner", result.Stdout);
            Assert.Contains("revoked the temporary membership of migrator in app_owner", result.Stdout);
            Assert.Contains("role passwords not copied (use --role-passwords): app_admin, app_rw", result.Stdout);
            Assert.False(await RoleFixtures.IsMemberAsync(t, "migrator", "app_owner"));
        }
        finally
        {
            await RoleFixtures.DropAsync(clusters.Target, [Dst], Roles);
            await RoleFixtures.DropAsync(clusters.Source, [Src], Roles);
        }
    }

    [Fact]
    public async Task Without_superuser_role_superuser_is_dropped_with_a_warning()
    {
        await RoleFixtures.DropAsync(clusters.Source, [Src], Roles);
        await RoleFixtures.DropAsync(clusters.Target, [Dst], Roles);
        await RoleFixtures.EnsureMigratorAsync(clusters.Target);
        try
        {
            await CreateSourceAsync();
            var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Src),
                "--target", clusters.Target.Uri(Dst, "migrator", RoleFixtures.MigratorPassword), "--roles", "--dir", PgMoveProcess.StateDir());
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("role app_admin: SUPERUSER dropped: user migrator is not a superuser on the target", result.Stdout);
            Assert.False(await clusters.Target.ScalarAsync<bool>("postgres", "SELECT rolsuper FROM pg_roles WHERE rolname = 'app_admin'"));
            Assert.False(await RoleFixtures.IsMemberAsync(clusters.Target, "app_admin", "rds_superuser"));
            await DatabaseComparer.AssertEqualAsync(clusters.Source, Src, clusters.Target, Dst);
        }
        finally
        {
            await RoleFixtures.DropAsync(clusters.Target, [Dst], Roles);
            await RoleFixtures.DropAsync(clusters.Source, [Src], Roles);
        }
    }

    async Task CreateSourceAsync()
    {
        await clusters.Source.ExecuteAsync("postgres", $"""
            CREATE ROLE app_owner NOLOGIN;
            CREATE ROLE app_rw LOGIN PASSWORD 'rw-Secret-1' IN ROLE app_owner;
            ALTER ROLE app_rw SET statement_timeout = '5s';
            CREATE ROLE app_admin SUPERUSER LOGIN PASSWORD 'admin-Secret-1';
            """);
        await clusters.Source.ExecuteAsync("postgres", $"CREATE DATABASE {Src} OWNER app_owner");
        await clusters.Source.ExecuteAsync("postgres", $"""
            ALTER ROLE app_rw IN DATABASE {Src} SET work_mem = '8MB';
            REVOKE CONNECT, TEMPORARY ON DATABASE {Src} FROM PUBLIC;
            GRANT CONNECT ON DATABASE {Src} TO app_rw;
            """);
        await using var connection = await clusters.Source.OpenAsync(Src);
        await using var cmd = new NpgsqlCommand("""
            SET ROLE app_owner;
            CREATE SCHEMA app;
            CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
            CREATE TABLE app.items (id serial PRIMARY KEY, name text NOT NULL, mood app.mood);
            CREATE TABLE public.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item int REFERENCES app.items, body text);
            CREATE INDEX ON public.notes (item);
            CREATE VIEW app.happy AS SELECT * FROM app.items WHERE mood = 'happy';
            CREATE FUNCTION app.item_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM app.items';
            INSERT INTO app.items (name, mood) SELECT 'item ' || g, (ARRAY['sad','ok','happy'])[1 + g % 3]::app.mood FROM generate_series(1, 500) g;
            INSERT INTO public.notes (item, body) SELECT 1 + g % 500, 'note ' || g FROM generate_series(1, 1000) g;
            GRANT USAGE ON SCHEMA app TO app_rw;
            GRANT SELECT ON ALL TABLES IN SCHEMA app TO app_rw;
            GRANT SELECT ON public.notes TO app_rw;
            GRANT ALL ON app.items TO app_admin;
            """, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
