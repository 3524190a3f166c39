using Npgsql;

namespace PgMove.Catalog;

/// <summary>What the connected user may do in the connected database: read the source, create on the target.</summary>
public static class PrivilegeCatalog
{
    /// <summary>User schemas holding tables or sequences that the connected user may not USE (so not read).</summary>
    public static Task<IReadOnlyList<string>> ReadUnusableSchemasAsync(NpgsqlConnection connection, CancellationToken ct) =>
        ReadStringsAsync(connection, $$"""
            SELECT n.nspname FROM pg_namespace n
            WHERE {{CatalogScope.UserSchema}}
              AND NOT has_schema_privilege(n.oid, 'USAGE')
              AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'S'))
            ORDER BY 1
            """, [], ct);

    /// <summary>True when the connected user may create schemas in the connected database.</summary>
    public static async Task<bool> CanCreateInDatabaseAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT has_database_privilege(current_database(), 'CREATE')", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Of the given schema names, those that exist in the connected database and the user may not create in.</summary>
    public static Task<IReadOnlyList<string>> ReadSchemasWithoutCreateAsync(NpgsqlConnection connection,
        IReadOnlyList<string> schemas, CancellationToken ct) =>
        ReadStringsAsync(connection, """
            SELECT quote_ident(n.nspname) FROM pg_namespace n
            WHERE n.nspname = ANY($1) AND NOT has_schema_privilege(n.oid, 'CREATE')
            ORDER BY 1
            """, [schemas.ToArray()], ct);

    /// <summary>Of the given schema names, those that do not exist in the connected database.</summary>
    public static Task<IReadOnlyList<string>> ReadMissingSchemasAsync(NpgsqlConnection connection,
        IReadOnlyList<string> schemas, CancellationToken ct) =>
        ReadStringsAsync(connection, """
            SELECT quote_ident(s) FROM unnest($1::text[]) s
            WHERE NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = s)
            ORDER BY 1
            """, [schemas.ToArray()], ct);

    /// <summary>True when the schema holds relations, routines or types of the user (a restore will create some there).</summary>
    public static async Task<bool> SchemaHoldsObjectsAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        const string sql = """
            SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1)
                OR EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1)
                OR EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1)
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue(schema);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Whether the connecting role may create roles (CREATEROLE or superuser).</summary>
    public static async Task<bool> CanCreateRolesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    internal static async Task<IReadOnlyList<string>> ReadStringsAsync(NpgsqlConnection connection, string sql,
        object[] parameters, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }
}
