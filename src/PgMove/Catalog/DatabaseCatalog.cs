using Npgsql;

namespace PgMove.Catalog;

/// <summary>Reads <see cref="DatabaseInfo"/> and answers questions about databases on a server.</summary>
public static class DatabaseCatalog
{
    const string EmptyTextArray = "'{}'";

    /// <summary>The database the connection is attached to.</summary>
    public static async Task<DatabaseInfo> ReadCurrentAsync(NpgsqlConnection connection, int versionNum, CancellationToken ct)
    {
        var provider = versionNum >= 150000 ? "d.datlocprovider::text" : "'c'";
        var locale = versionNum switch
        {
            >= 170000 => "d.datlocale",
            >= 150000 => "d.daticulocale",
            _ => "NULL::text",
        };
        var sql = $"""
            SELECT d.datname, pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, {provider}, {locale},
                   pg_get_userbyid(d.datdba),
                   coalesce((SELECT s.setconfig FROM pg_db_role_setting s
                             WHERE s.setdatabase = d.oid AND s.setrole = 0), {EmptyTextArray}::text[]),
                   pg_database_size(d.oid)
            FROM pg_database d WHERE d.datname = current_database()
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new DatabaseInfo(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetString(4)[0], reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6),
            reader.GetFieldValue<string[]>(7), reader.GetInt64(8));
    }

    /// <summary>True when a database of that name exists on the server.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", connection);
        cmd.Parameters.AddWithValue(name);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>True when a role of that name exists on the server.</summary>
    public static async Task<bool> RoleExistsAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", connection);
        cmd.Parameters.AddWithValue(name);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> user objects (relations, routines, types, schemas, extensions other than plpgsql)
    /// in the connected database, as "kind name"; empty for a database that holds none.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ListUserObjectsAsync(NpgsqlConnection connection, int limit, CancellationToken ct)
    {
        const string sql = """
            WITH sys AS (
              SELECT oid FROM pg_namespace
              WHERE nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg\_toast%' OR nspname LIKE 'pg\_temp%')
            SELECT 'relation ' || c.oid::regclass::text FROM pg_class c
              WHERE c.relnamespace NOT IN (SELECT oid FROM sys)
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p
              WHERE p.pronamespace NOT IN (SELECT oid FROM sys)
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 'type ' || t.oid::regtype::text FROM pg_type t
              WHERE t.typnamespace NOT IN (SELECT oid FROM sys) AND t.typrelid = 0 AND t.typelem = 0
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 'schema ' || quote_ident(n.nspname) FROM pg_namespace n
              WHERE n.oid NOT IN (SELECT oid FROM sys) AND n.nspname <> 'public'
            UNION ALL
            SELECT 'extension ' || quote_ident(e.extname) FROM pg_extension e WHERE e.extname <> 'plpgsql'
            LIMIT $1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue(limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }
}
