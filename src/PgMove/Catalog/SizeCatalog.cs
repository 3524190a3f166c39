using Npgsql;

namespace PgMove.Catalog;

/// <summary>How big the connected database is, and how much of it is table data and index (of the selected tables).</summary>
public static class SizeCatalog
{
    /// <summary>The database's size, and the table data and index bytes of the tables and materialized views selected.</summary>
    /// <param name="connection">A source session.</param>
    /// <param name="selection">What the filters select.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<(long Database, long Tables, long Indexes)> ReadAsync(NpgsqlConnection connection, Filters.Selection selection,
        CancellationToken ct)
    {
        const string sql = $$"""
            SELECT c.oid, pg_table_size(c.oid), pg_indexes_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm')
              AND {{CatalogScope.UserSchema}}
            """;
        long tables = 0, indexes = 0;
        await using (var cmd = new NpgsqlCommand(sql, connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                if (!selection.Includes(reader.GetFieldValue<uint>(0))) continue;
                tables += reader.GetInt64(1);
                indexes += reader.GetInt64(2);
            }
        await using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return ((long)(await size.ExecuteScalarAsync(ct))!, tables, indexes);
    }
}
