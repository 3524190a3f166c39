using Npgsql;

namespace PgMove.Catalog;

/// <summary>How many sessions a server, the connecting role and the connected database still accept.</summary>
public static class ConnectionLimitCatalog
{
    public static async Task<ConnectionLimits> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // reserved_connections is PostgreSQL 16+: missing_ok gives NULL before that.
        const string sql = """
            SELECT current_setting('max_connections')::int,
                   current_setting('superuser_reserved_connections')::int,
                   coalesce(current_setting('reserved_connections', true), '0')::int,
                   (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int,
                   (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user),
                   (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename = current_user)::int,
                   (SELECT datconnlimit FROM pg_database WHERE datname = current_database()),
                   (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = current_database())::int
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new ConnectionLimits(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
            reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7));
    }
}
