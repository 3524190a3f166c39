using Npgsql;

namespace PgMove.Catalog;

/// <summary>Reads <see cref="ServerInfo"/> from a connection.</summary>
public static class ServerCatalog
{
    public static async Task<ServerInfo> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT current_setting('server_version_num')::int, current_setting('server_version'),
                   pg_postmaster_start_time()::text || ' port ' || current_setting('port'),
                   current_user, r.rolsuper, r.rolcreatedb
            FROM pg_roles r WHERE r.rolname = current_user
            """;
        ServerInfo info;
        await using (var cmd = new NpgsqlCommand(sql, connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            info = new ServerInfo(reader.GetInt32(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetBoolean(4), reader.GetBoolean(5));
        }
        var systemId = await TryReadSystemIdentifierAsync(connection, ct);
        return systemId is null ? info : info with { ClusterKey = $"system {systemId} {info.ClusterKey}" };
    }

    // pg_control_system() is not granted to every role (managed services revoke it): then fall back to
    // the postmaster start time and port, which no two running servers share.
    static async Task<string?> TryReadSystemIdentifierAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT CASE WHEN has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
                        THEN (SELECT system_identifier::text FROM pg_control_system()) END
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
