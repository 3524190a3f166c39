using Npgsql;

namespace PgMove.Catalog;

/// <summary>What logical replication from a server needs: settings, free slots and senders, the privilege, old slots.</summary>
public static class ReplicationReadinessCatalog
{
    public static async Task<ReplicationSettings> ReadSettingsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT current_setting('wal_level'),
                   current_setting('max_replication_slots')::int,
                   (SELECT count(*) FROM pg_replication_slots)::int,
                   current_setting('max_wal_senders')::int,
                   (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender')::int,
                   (SELECT setting::int FROM pg_settings WHERE name = 'wal_sender_timeout'),
                   r.rolreplication OR r.rolsuper,
                   EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_replication' AND pg_has_role(g.oid, 'MEMBER'))
            FROM pg_roles r WHERE r.rolname = current_user
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new ReplicationSettings(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
            reader.GetInt32(4), reader.GetInt32(5), reader.GetBoolean(6), reader.GetBoolean(7));
    }

    /// <summary>Replication slots no one is reading, with the WAL each keeps on the server's disk.</summary>
    public static async Task<IReadOnlyList<(string Slot, string Type, string? Database, long RetainedBytes)>> ReadInactiveSlotsAsync(
        NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT slot_name::text, slot_type, database::text,
                   coalesce(pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,
                                            restart_lsn), 0)::bigint
            FROM pg_replication_slots WHERE NOT active ORDER BY 4 DESC, 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string, string, string?, long)>();
        while (await reader.ReadAsync(ct))
            result.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3)));
        return result;
    }
}
