using Npgsql;

namespace PgMove.Catalog;

/// <summary>
/// Lists the tables that hold rows: relkind 'r' only, so partitioned tables are copied through their leaves
/// and each inheritance parent or child exactly once (COPY of a table never includes its children).
/// Members of extensions are left to the extension; foreign tables hold no local rows.
/// </summary>
public static class TableCatalog
{
    const string EmptyTextArray = "'{}'";

    public static async Task<IReadOnlyList<TableInfo>> ReadAsync(NpgsqlConnection connection, int versionNum, CancellationToken ct)
    {
        var notGenerated = versionNum >= 120000 ? "AND a.attgenerated = ''" : "";
        var sql = $"""
            SELECT c.oid, n.nspname, c.relname,
                   coalesce(array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attnum IS NOT NULL), {EmptyTextArray}),
                   pg_table_size(c.oid), greatest(c.reltuples, 0)::bigint,
                   bool_and(a.atttypid IS NULL OR (a.atttypid < 16384 AND t.typsend <> 0 AND t.typreceive <> 0)),
                   c.relpersistence = 'u', c.relispartition,
                   (SELECT k.attname::text FROM pg_index i
                    JOIN pg_attribute k ON k.attrelid = i.indrelid AND k.attnum = i.indkey[0]
                    WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid AND i.indnkeyatts = 1
                      AND i.indpred IS NULL AND i.indexprs IS NULL AND k.attnotnull AND k.atttypid IN (20, 21, 23)
                    ORDER BY i.indisprimary DESC, i.indexrelid LIMIT 1),
                   pg_relation_size(c.oid, 'main') / current_setting('block_size')::bigint,
                   EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = c.oid OR h.inhparent = c.oid)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped {notGenerated}
            LEFT JOIN pg_type t ON t.oid = a.atttypid
            WHERE c.relkind = 'r'
              AND {CatalogScope.UserSchema}
              AND {CatalogScope.NotExtensionRelation}
            -- Every pg_class column is listed: catalogs have primary keys only since PostgreSQL 14, so before it
            -- GROUP BY c.oid does not make the other columns functionally dependent.
            GROUP BY c.oid, n.nspname, c.relname, c.reltuples, c.relpersistence, c.relispartition
            ORDER BY pg_table_size(c.oid) DESC, n.nspname, c.relname
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var tables = new List<TableInfo>();
        while (await reader.ReadAsync(ct))
        {
            tables.Add(new TableInfo(
                reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<string[]>(3), reader.GetInt64(4), reader.GetInt64(5),
                reader.GetBoolean(6), reader.GetBoolean(7), reader.GetBoolean(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetInt64(10), reader.GetBoolean(11)));
        }
        return tables;
    }

    /// <summary>The smallest and largest value of <paramref name="table"/>'s split key (both null when it is empty).</summary>
    public static async Task<(long? Min, long? Max)> ReadKeyRangeAsync(NpgsqlConnection connection, TableInfo table, CancellationToken ct)
    {
        var key = Sql.Quote.Ident(table.SplitKey!);
        await using var cmd = new NpgsqlCommand($"SELECT min({key})::bigint, max({key})::bigint FROM ONLY {table.QualifiedName}", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }

    /// <summary>Relations ANALYZE should visit: tables, partitioned tables and populated materialized views, largest first.</summary>
    /// <param name="connection">A session.</param>
    /// <param name="ct">Cancels the query.</param>
    /// <param name="tables">
    /// The tables as <see cref="ReadAsync"/> read them in the same snapshot, whose sizes are taken from there: each
    /// pg_table_size opens the table's TOAST relation, 10,000 of them a few hundred milliseconds of a copy's start.
    /// </param>
    public static async Task<IReadOnlyList<(string Schema, string Name, long Bytes)>> ReadAnalyzableAsync(
        NpgsqlConnection connection, CancellationToken ct, IReadOnlyList<TableInfo>? tables = null)
    {
        var known = tables?.ToDictionary(t => t.Oid, t => t.Bytes);
        var size = known is null ? "pg_table_size(c.oid)" : "CASE WHEN c.relkind = 'r' THEN NULL ELSE pg_table_size(c.oid) END";
        var sql = $"""
            SELECT n.nspname, c.relname, {size}, c.oid
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE (c.relkind IN ('r', 'p') OR (c.relkind = 'm' AND c.relispopulated))
              AND {CatalogScope.UserSchema}
              AND {CatalogScope.NotExtensionRelation}
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string Schema, string Name, long Bytes)>();
        while (await reader.ReadAsync(ct))
            result.Add((reader.GetString(0), reader.GetString(1),
                reader.IsDBNull(2) ? known!.GetValueOrDefault(reader.GetFieldValue<uint>(3)) : reader.GetInt64(2)));
        return result.OrderByDescending(r => r.Bytes).ThenBy(r => r.Schema, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }
}
