using Npgsql;

namespace PgMove.Catalog;

/// <summary>Privileges held by one role in the connected database, for handing them to another role.</summary>
public static class AclCatalog
{
    /// <summary>Every privilege granted to <paramref name="role"/> on an object of the connected database (not by default).</summary>
    public static async Task<IReadOnlyList<AclGrant>> ReadGrantsToAsync(NpgsqlConnection connection, string role, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(GrantsSql, connection);
        cmd.Parameters.AddWithValue(role);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<AclGrant>();
        while (await reader.ReadAsync(ct))
            result.Add(new AclGrant(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetBoolean(4)));
        return result;
    }

    /// <summary>Default privileges set for <paramref name="role"/> or granted to it.</summary>
    public static async Task<IReadOnlyList<DefaultAclGrant>> ReadDefaultGrantsAsync(NpgsqlConnection connection, string role, CancellationToken ct)
    {
        const string sql = """
            SELECT pg_get_userbyid(d.defaclrole), n.nspname,
                   CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                                        WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END,
                   CASE WHEN e.grantee = 0 THEN NULL ELSE pg_get_userbyid(e.grantee) END, e.privilege_type, e.is_grantable
            FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) e
            WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = $1)
               OR e.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1)
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue(role);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<DefaultAclGrant>();
        while (await reader.ReadAsync(ct))
            result.Add(new DefaultAclGrant(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetBoolean(5)));
        return result;
    }

    /// <summary>
    /// The connected database's own privileges (CONNECT, CREATE, TEMPORARY), which pg_dump leaves out unless it
    /// creates the database; null when they are the defaults. Grantee null for PUBLIC.
    /// </summary>
    public static async Task<IReadOnlyList<(string? Grantee, string Privilege, bool Grantable)>?> ReadDatabaseAclAsync(
        NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT d.datacl IS NULL, CASE WHEN e.grantee = 0 THEN NULL ELSE pg_get_userbyid(e.grantee) END, e.privilege_type, e.is_grantable
            FROM pg_database d LEFT JOIN LATERAL aclexplode(d.datacl) e ON true
            WHERE d.datname = current_database()
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string?, string, bool)>();
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetBoolean(0)) return null;
            result.Add((reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        }
        return result;
    }

    const string GrantsSql = """
        WITH sys AS (
          SELECT oid FROM pg_namespace
          WHERE nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg\_toast%' OR nspname LIKE 'pg\_temp%'),
        acls(kind, name, col, acl) AS (
          SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass::text, NULL::text, c.relacl
            FROM pg_class c WHERE c.relnamespace NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT 'TABLE', c.oid::regclass::text, a.attname::text, a.attacl
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE a.attacl IS NOT NULL AND c.relnamespace NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT 'SCHEMA', quote_ident(n.nspname), NULL, n.nspacl FROM pg_namespace n WHERE n.oid NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT 'ROUTINE', p.oid::regprocedure::text, NULL, p.proacl FROM pg_proc p WHERE p.pronamespace NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype::text, NULL, t.typacl
            FROM pg_type t WHERE t.typnamespace NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT 'DATABASE', quote_ident(d.datname), NULL, d.datacl FROM pg_database d WHERE d.datname = current_database()
          UNION ALL SELECT 'LARGE OBJECT', l.oid::text, NULL, l.lomacl FROM pg_largeobject_metadata l
          UNION ALL SELECT 'FOREIGN DATA WRAPPER', quote_ident(w.fdwname), NULL, w.fdwacl FROM pg_foreign_data_wrapper w
          UNION ALL SELECT 'FOREIGN SERVER', quote_ident(s.srvname), NULL, s.srvacl FROM pg_foreign_server s
          UNION ALL SELECT 'LANGUAGE', quote_ident(g.lanname), NULL, g.lanacl FROM pg_language g WHERE g.lanispl)
        SELECT a.kind, a.name, a.col, e.privilege_type, e.is_grantable
        FROM acls a, aclexplode(a.acl) e
        WHERE a.acl IS NOT NULL AND e.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1)
        ORDER BY 1, 2, 3, 4
        """;
}
