using Npgsql;

namespace PgMove.Catalog;

/// <summary>
/// Lists the tables whose rows verify compares, with their live columns, size in blocks and row key.
/// Same selection as <see cref="TableCatalog"/>: relkind 'r' outside system schemas, extension members left out.
/// </summary>
public static class VerifyTableCatalog
{
    public static async Task<IReadOnlyList<VerifyTable>> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = $$"""
            SELECT c.oid, n.nspname, c.relname,
                   coalesce(array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attnum IS NOT NULL), '{}'),
                   pg_relation_size(c.oid) / current_setting('block_size')::int, greatest(c.reltuples, 0)::bigint
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relkind = 'r'
              AND {{CatalogScope.UserSchema}}
              AND {{CatalogScope.NotExtensionRelation}}
            -- c.reltuples listed too: before PostgreSQL 14 catalogs have no primary key to make it dependent on c.oid.
            GROUP BY c.oid, n.nspname, c.relname, c.reltuples
            ORDER BY 5 DESC, n.nspname, c.relname
            """;
        var rows = new List<(uint Oid, string Schema, string Name, string[] Columns, long Pages, long Rows)>();
        await using (var cmd = new NpgsqlCommand(sql, connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2),
                    reader.GetFieldValue<string[]>(3), reader.GetInt64(4), reader.GetInt64(5)));
        var keys = await ReadKeysAsync(connection, ct);
        return rows.Select(r => new VerifyTable(r.Schema, r.Name, r.Columns, r.Pages, r.Rows, keys.GetValueOrDefault(r.Oid))).ToList();
    }

    /// <summary>Per table: the primary key, else the unique index with fewest columns, all plain NOT NULL columns.</summary>
    static async Task<Dictionary<uint, TableKey>> ReadKeysAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT DISTINCT ON (i.indrelid) i.indrelid,
                   array_agg(a.attname::text ORDER BY k.ord), array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.ord),
                   array_agg(a.attcollation <> 0 ORDER BY k.ord)
            FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
            GROUP BY i.indrelid, i.indexrelid, i.indisprimary
            HAVING bool_and(a.attnotnull)
            ORDER BY i.indrelid, i.indisprimary DESC, count(*), i.indexrelid
            """;
        var keys = new Dictionary<uint, TableKey>();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            keys[reader.GetFieldValue<uint>(0)] = new TableKey(reader.GetFieldValue<string[]>(1),
                reader.GetFieldValue<string[]>(2), reader.GetFieldValue<bool[]>(3));
        return keys;
    }
}
