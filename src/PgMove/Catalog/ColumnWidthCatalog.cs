using Npgsql;

namespace PgMove.Catalog;

/// <summary>How a table's columns split between fixed-width types (integers, floats, timestamps, uuid…) and variable-width ones.</summary>
public static class ColumnWidthCatalog
{
    /// <summary>
    /// The tables (by OID) whose copied columns are mostly of variable width (text, bytea, json, numeric, arrays…):
    /// fewer than half of them have a fixed <c>typlen</c>.
    /// </summary>
    /// <param name="connection">A source session.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlySet<uint>> ReadMostlyVariableWidthAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = $$"""
            SELECT c.oid
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            WHERE c.relkind = 'r' AND {{CatalogScope.UserSchema}}
            GROUP BY c.oid
            HAVING 2 * count(*) FILTER (WHERE t.typlen > 0) < count(*)
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new HashSet<uint>();
        while (await reader.ReadAsync(ct)) result.Add(reader.GetFieldValue<uint>(0));
        return result;
    }
}
