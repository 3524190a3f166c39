using Npgsql;
using NpgsqlTypes;
using PgMove.Catalog;

namespace PgMove.Replication;

/// <summary>The replication origin on the target: how far the source's stream has been applied, committed with the data.</summary>
internal static class TargetOrigin
{
    /// <summary>Creates the origin positioned at <paramref name="start"/> (the slot's consistent point: the copy holds everything before).</summary>
    public static async Task CreateAsync(NpgsqlConnection target, string origin, NpgsqlLogSequenceNumber start, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_replication_origin_advance($1, $2) FROM pg_replication_origin_create($1)", target)
        { Parameters = { new() { Value = origin }, new() { Value = start, NpgsqlDbType = NpgsqlDbType.PgLsn } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Creates the origin afresh at <paramref name="start"/>. <paramref name="markOnly"/> (--apply native, where it only
    /// marks the copy as done): a target user that may not create origins (pg_create_subscription) goes without, and a
    /// sync killed before its subscription exists copies again.
    /// </summary>
    public static async Task RecreateAsync(NpgsqlConnection target, string origin, NpgsqlLogSequenceNumber start, bool markOnly, CancellationToken ct)
    {
        try
        {
            await DropAsync(target, origin, ct);
            await CreateAsync(target, origin, start, ct);
        }
        catch (PostgresException e) when (markOnly && e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
        }
    }

    public static async Task<bool> DropAsync(NpgsqlConnection target, string origin, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (!await ReplicationCatalog.OriginExistsAsync(target, origin, ct)) return false;
            await using var cmd = new NpgsqlCommand("SELECT pg_replication_origin_drop($1)", target) { Parameters = { new() { Value = origin } } };
            try
            {
                await cmd.ExecuteNonQueryAsync(ct);
                return true;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 50)
            {
                await Task.Delay(200, ct); // the applier's session is still closing
            }
        }
    }

    /// <summary>Ties the applier's session to the origin: its commits then carry the source position.</summary>
    public static async Task SetupSessionAsync(NpgsqlConnection applier, string origin, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_replication_origin_session_setup($1)", applier) { Parameters = { new() { Value = origin } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
