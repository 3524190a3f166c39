using Npgsql;

namespace PgMove.Catalog;

/// <summary>Tablespaces used by the connected database.</summary>
public static class TablespaceCatalog
{
    /// <summary>Names of the tablespaces holding relations of the connected database, other than its default one.</summary>
    public static async Task<IReadOnlyList<string>> ReadUsedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT DISTINCT t.spcname FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace
            WHERE c.reltablespace <> 0 AND t.spcname NOT IN ('pg_default', 'pg_global') ORDER BY 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }
}
