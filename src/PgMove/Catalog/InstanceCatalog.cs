using Npgsql;

namespace PgMove.Catalog;

/// <summary>The databases of a server, as <c>--all-databases</c> sees them.</summary>
public static class InstanceCatalog
{
    /// <summary>One database of the instance.</summary>
    /// <param name="Name">datname.</param>
    /// <param name="AllowConnections">datallowconn: false for a database that refuses every connection.</param>
    /// <param name="Bytes">pg_database_size, 0 when the user may not connect to it.</param>
    public sealed record InstanceDatabase(string Name, bool AllowConnections, long Bytes);

    /// <summary>Every database but the templates, biggest first.</summary>
    /// <param name="connection">A session on any database of the server.</param>
    /// <param name="ct">Cancels the read.</param>
    public static async Task<IReadOnlyList<InstanceDatabase>> ReadDatabasesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT datname, datallowconn,
                   CASE WHEN datallowconn AND has_database_privilege(oid, 'CONNECT') THEN pg_database_size(oid) ELSE 0 END
            FROM pg_database WHERE NOT datistemplate
            ORDER BY 3 DESC, 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<InstanceDatabase>();
        while (await reader.ReadAsync(ct)) result.Add(new InstanceDatabase(reader.GetString(0), reader.GetBoolean(1), reader.GetInt64(2)));
        return result;
    }
}
