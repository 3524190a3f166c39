using Npgsql;

namespace PgMove.Catalog;

/// <summary>Schemas, extensions, large objects and read privileges of the connected database.</summary>
public static class ObjectCatalog
{
    /// <summary>User schemas (not system, not created by an extension).</summary>
    public static Task<IReadOnlyList<string>> ReadSchemasAsync(NpgsqlConnection connection, CancellationToken ct) =>
        ReadStringsAsync(connection, $$"""
            SELECT n.nspname FROM pg_namespace n
            WHERE {{CatalogScope.UserSchema}}
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
            ORDER BY 1
            """, ct);

    public static Task<IReadOnlyList<string>> ReadExtensionsAsync(NpgsqlConnection connection, CancellationToken ct) =>
        ReadStringsAsync(connection, "SELECT extname FROM pg_extension ORDER BY 1", ct);

    public static async Task<long> CountLargeObjectsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_largeobject_metadata", connection);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Tables and sequences of <paramref name="selection"/> the connected user may not SELECT from (at most 10).</summary>
    /// <param name="connection">A session on either side (the selection is matched by name).</param>
    /// <param name="selection">What the filters select: a table left out needs no SELECT.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<string>> ReadUnreadableAsync(NpgsqlConnection connection, Filters.Selection selection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($$"""
            SELECT n.nspname, c.relname, c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'S') AND {{CatalogScope.UserSchema}}
              AND NOT has_table_privilege(c.oid, 'SELECT')
            ORDER BY 3
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (result.Count < 10 && await reader.ReadAsync(ct))
            if (selection.IncludesName(reader.GetString(0), reader.GetString(1))) result.Add(reader.GetString(2));
        return result;
    }

    static async Task<IReadOnlyList<string>> ReadStringsAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }
}
