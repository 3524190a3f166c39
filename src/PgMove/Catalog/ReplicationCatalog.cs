using Npgsql;
using NpgsqlTypes;

namespace PgMove.Catalog;

/// <summary>
/// Catalog reads for online migration: the source's replication slot, publication and replica identities,
/// the target's replication origin and the column shapes the applier writes.
/// </summary>
public static class ReplicationCatalog
{
    /// <summary>The source's measure of the apply delay (pg_stat_replication.replay_lag) of a walsender, in seconds; null when unknown.</summary>
    public static async Task<double?> ReadReplayLagAsync(NpgsqlConnection connection, int walsender, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT extract(epoch FROM replay_lag)::float8 FROM pg_stat_replication WHERE pid = $1", connection)
        { Parameters = { new() { Value = walsender } } };
        return await cmd.ExecuteScalarAsync(ct) is double seconds ? Math.Round(seconds, 1) : null;
    }

    /// <summary>The slot pgmove created, or null when there is none.</summary>
    public static async Task<SlotInfo?> ReadSlotAsync(NpgsqlConnection connection, string slot, CancellationToken ct)
    {
        const string sql = """
            SELECT active_pid, confirmed_flush_lsn, pg_current_wal_lsn(),
                   pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, database
            FROM pg_replication_slots WHERE slot_name = $1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = slot } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new SlotInfo(
            reader.IsDBNull(0) ? null : reader.GetInt32(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(1),
            reader.GetFieldValue<NpgsqlLogSequenceNumber>(2),
            reader.IsDBNull(3) ? null : reader.GetInt64(3),
            reader.IsDBNull(4) ? 0 : reader.GetInt64(4),
            reader.IsDBNull(5) ? "" : reader.GetString(5));
    }

    /// <summary>
    /// The slot, once no walsender holds it or <paramref name="patience"/> has passed: after a kill -9 of its client, a
    /// walsender lingers until it notices the connection is gone.
    /// </summary>
    public static async Task<SlotInfo?> ReadSettledSlotAsync(NpgsqlConnection connection, string slot, TimeSpan patience, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var info = await ReadSlotAsync(connection, slot, ct);
            if (info?.ActivePid is null || DateTime.UtcNow > deadline) return info;
            await Task.Delay(250, ct);
        }
    }

    public static async Task<bool> PublicationExistsAsync(NpgsqlConnection connection, string publication, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1)", connection)
        { Parameters = { new() { Value = publication } } };
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Tables among <paramref name="oids"/> whose UPDATE/DELETE cannot be published: replica identity NOTHING,
    /// DEFAULT without a primary key, or USING INDEX on an index that no longer exists.
    /// </summary>
    public static async Task<IReadOnlyList<uint>> ReadWithoutReplicaIdentityAsync(
        NpgsqlConnection connection, IReadOnlyList<uint> oids, CancellationToken ct)
    {
        const string sql = """
            SELECT c.oid FROM pg_class c
            WHERE c.oid = ANY($1)
              AND (c.relreplident = 'n'
                   OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
                   OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)))
            ORDER BY 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = oids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<uint>();
        while (await reader.ReadAsync(ct)) result.Add(reader.GetFieldValue<uint>(0));
        return result;
    }

    /// <summary>Whether a replication origin of that name exists (origins are per cluster: any database answers).</summary>
    public static async Task<bool> OriginExistsAsync(NpgsqlConnection connection, string origin, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_replication_origin WHERE roname = $1)", connection)
        { Parameters = { new() { Value = origin } } };
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The end LSN of the last source transaction the target committed, or null when none yet.</summary>
    public static async Task<NpgsqlLogSequenceNumber?> ReadOriginProgressAsync(NpgsqlConnection connection, string origin, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_replication_origin_progress($1, true)", connection)
        { Parameters = { new() { Value = origin } } };
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is NpgsqlLogSequenceNumber lsn && lsn != default ? lsn : null;
    }

    /// <summary>
    /// The written columns of a target table (not dropped, not generated) in attribute order, with their type as
    /// the server spells it; null when the table does not exist.
    /// </summary>
    public static async Task<IReadOnlyList<TargetColumn>?> ReadTargetColumnsAsync(
        NpgsqlConnection connection, string schema, string table, CancellationToken ct)
    {
        const string sql = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity::text, a.attnum IS NULL
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
            ORDER BY a.attnum
            """;
        await using var cmd = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = schema }, new() { Value = table } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        List<TargetColumn>? result = null;
        while (await reader.ReadAsync(ct))
        {
            result ??= [];
            if (!reader.GetBoolean(3))
                result.Add(new TargetColumn(reader.GetString(0), reader.GetString(1), reader.GetString(2) == "a"));
        }
        return result;
    }

    /// <summary>format_type() of each (type oid, typmod) pair, in order.</summary>
    public static async Task<IReadOnlyList<string>> FormatTypesAsync(
        NpgsqlConnection connection, IReadOnlyList<(uint Type, int Modifier)> types, CancellationToken ct)
    {
        const string sql = "SELECT format_type(t, m) FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS u(t, m, i) ORDER BY i";
        await using var cmd = new NpgsqlCommand(sql, connection)
        {
            Parameters = { new() { Value = types.Select(t => t.Type).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid }, new() { Value = types.Select(t => t.Modifier).ToArray() } },
        };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }
}
