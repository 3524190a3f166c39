using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Globals;

/// <summary>
/// Roles are cluster-wide and the clusters are shared by the whole collection: each test uses its own role names and
/// drops its databases and roles before (a failed earlier run) and after itself.
/// </summary>
internal static class RoleFixtures
{
    public const string MigratorPassword = "Migrator-Secret-42";

    /// <summary>
    /// The managed-service situation: "migrator" (LOGIN CREATEDB CREATEROLE, not superuser) holding ADMIN on the
    /// NOLOGIN role rds_superuser, as RDS's master user does.
    /// </summary>
    public static Task EnsureMigratorAsync(PostgresCluster target) =>
        target.ExecuteAsync("postgres", $"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_superuser') THEN CREATE ROLE rds_superuser NOLOGIN; END IF;
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'migrator') THEN
                CREATE ROLE migrator LOGIN CREATEDB CREATEROLE PASSWORD '{MigratorPassword}';
              END IF;
            END $$;
            GRANT rds_superuser TO migrator WITH ADMIN OPTION;
            """);

    /// <summary>Drops the databases, then the roles (which then own nothing and hold no privilege anywhere).</summary>
    public static async Task DropAsync(PostgresCluster cluster, string[] databases, string[] roles)
    {
        foreach (var db in databases)
            await cluster.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)");
        foreach (var role in roles)
            await cluster.ExecuteAsync("postgres", $"""
                DO $$ BEGIN
                  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                    EXECUTE 'DROP OWNED BY "{role}"'; EXECUTE 'DROP ROLE "{role}"';
                  END IF;
                END $$
                """);
    }

    /// <summary>Objects in user schemas (and schemas, and the database) whose owner is not <paramref name="owner"/>.</summary>
    public static Task<string> ForeignOwnedAsync(PostgresCluster cluster, string database, string owner) =>
        cluster.ScalarAsync<string>(database, $"""
            WITH sys AS (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg\_toast%')
            SELECT coalesce(string_agg(what, ', ' ORDER BY what), '') FROM (
              SELECT 'relation ' || c.oid::regclass || ' ' || pg_get_userbyid(c.relowner) FROM pg_class c
                WHERE c.relnamespace NOT IN (SELECT oid FROM sys) AND pg_get_userbyid(c.relowner) <> '{owner}'
              UNION ALL SELECT 'function ' || p.oid::regprocedure || ' ' || pg_get_userbyid(p.proowner) FROM pg_proc p
                WHERE p.pronamespace NOT IN (SELECT oid FROM sys) AND pg_get_userbyid(p.proowner) <> '{owner}'
              UNION ALL SELECT 'type ' || t.oid::regtype || ' ' || pg_get_userbyid(t.typowner) FROM pg_type t
                WHERE t.typnamespace NOT IN (SELECT oid FROM sys) AND pg_get_userbyid(t.typowner) <> '{owner}'
              UNION ALL SELECT 'schema ' || n.nspname || ' ' || pg_get_userbyid(n.nspowner) FROM pg_namespace n
                WHERE n.oid NOT IN (SELECT oid FROM sys) AND n.nspname <> 'public' AND pg_get_userbyid(n.nspowner) <> '{owner}'
              UNION ALL SELECT 'database ' || d.datname || ' ' || pg_get_userbyid(d.datdba) FROM pg_database d
                WHERE d.datname = current_database() AND pg_get_userbyid(d.datdba) <> '{owner}') x(what)
            """);

    public static Task<bool> IsMemberAsync(PostgresCluster cluster, string member, string role) =>
        cluster.ScalarAsync<bool>("postgres",
            $"SELECT EXISTS (SELECT FROM pg_auth_members WHERE member = '{member}'::regrole AND roleid = '{role}'::regrole)");
}
