using Npgsql;

namespace PgMove.Catalog;

/// <summary>How big the connected database is, and how much of it is table data and index.</summary>
public static class SizeCatalog
{
    public static async Task<(long Database, long Tables, long Indexes)> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = $$"""
            SELECT pg_database_size(current_database()),
                   coalesce(sum(pg_table_size(c.oid)), 0)::bigint,
                   coalesce(sum(pg_indexes_size(c.oid)), 0)::bigint
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm')
              AND {{CatalogScope.UserSchema}}
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
