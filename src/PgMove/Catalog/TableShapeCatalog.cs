using Npgsql;

namespace PgMove.Catalog;

/// <summary>Reads <see cref="TableShape"/> for every user table, partitioned table and foreign table.</summary>
public static class TableShapeCatalog
{
    /// <summary>The shapes of the tables <paramref name="selection"/> moves.</summary>
    /// <param name="connection">A source session.</param>
    /// <param name="selection">What the filters select.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<TableShape>> ReadAsync(NpgsqlConnection connection, Filters.Selection selection, CancellationToken ct)
    {
        const string sql = $$"""
            SELECT c.oid, c.oid::regclass::text, c.relkind::text, c.relpersistence = 'u',
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),
                   EXISTS (SELECT 1 FROM pg_index i
                           WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
                             AND i.indexprs IS NULL
                             AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                                             WHERE a.attrelid = c.oid AND a.attnum = ANY (i.indkey) AND NOT a.attnotnull)),
                   coalesce((SELECT array_agg(a.attname::text ORDER BY a.attnum)
                             FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                             WHERE i.indrelid = c.oid AND i.indisprimary
                               AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype)), '{}'),
                   c.relreplident::text,
                   CASE c.relreplident
                     WHEN 'f' THEN true
                     WHEN 'n' THEN false
                     WHEN 'i' THEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)
                     ELSE EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
                   END
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'f')
              AND {{CatalogScope.UserSchema}}
              AND {{CatalogScope.NotExtensionRelation}}
            ORDER BY 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<TableShape>();
        while (await reader.ReadAsync(ct))
            if (selection.Includes(reader.GetFieldValue<uint>(0)))
                result.Add(new TableShape(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2)[0], reader.GetBoolean(3),
                    reader.GetBoolean(4), reader.GetBoolean(5), reader.GetFieldValue<string[]>(6), reader.GetString(7)[0], reader.GetBoolean(8)));
        return result;
    }
}
