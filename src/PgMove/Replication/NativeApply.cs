using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// <c>sync --apply native</c>: after pgmove's copy from the slot's snapshot, the target pulls the changes itself
/// through a native subscription on pgmove's own slot (create_slot = false, copy_data = false; named as the
/// migration). Its origin is pg_OID; the source's slot is confirmed only as far as the subscriber has applied and
/// flushed. The subscription's connection string holds the source password, if one is used: PostgreSQL stores it in
/// pg_subscription on the target until the subscription is dropped. pgmove never prints it.
/// </summary>
internal static class NativeApply
{
    /// <summary>Whether the target database has this migration's subscription (false when the database does not exist yet).</summary>
    public static async Task<bool> ExistsAsync(MigrationNames names, CancellationToken ct)
    {
        // Without the target database, its cluster's "postgres" database answers: no subscription of that database there.
        await using var target = await TargetCluster.OpenAsync(names.Target, ct);
        return await SubscriptionCatalog.ExistsAsync(target, names.Id, ct);
    }

    /// <summary>Creates the subscription on the existing slot, enabled; the slot must not be streamed by anyone else.</summary>
    public static async Task CreateAsync(MigrationNames names, ConnectionSpec source, CancellationToken ct)
    {
        var conninfo = source.ToLibpqConnInfo() +
                       (source.Password is { } password ? " password='" + password.Replace("\\", "\\\\").Replace("'", "\\'") + "'" : "");
        await using var target = await PgSession.OpenAsync(ReplicationSettings.Target(names.Target), Side.Target, names.Target.ToString(), ct);
        await using var cmd = new NpgsqlCommand(
            $"CREATE SUBSCRIPTION {Quote.Ident(names.Id)} CONNECTION {Quote.Literal(conninfo)} PUBLICATION {Quote.Ident(names.Publication)} " +
            $"WITH (create_slot = false, slot_name = {Quote.Literal(names.Slot)}, copy_data = false, enabled = true)", target);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e)
        {
            // The server's message may quote the statement: only its own words, never the connection string.
            throw new PgMoveException(ExitCode.StepFailed, $"could not create the native subscription {names.Id} on the target: {e.MessageText}");
        }
    }

    /// <summary>
    /// Detaches the subscription from pgmove's slot and drops it (the slot is pgmove's to drop): DISABLE, SET
    /// (slot_name = NONE), DROP. Returns false when there was none (or no target database).
    /// </summary>
    public static async Task<bool> DropAsync(MigrationNames names, CancellationToken ct)
    {
        if (!await ExistsAsync(names, ct)) return false;
        await using var target = await PgSession.OpenAsync(ReplicationSettings.Target(names.Target), Side.Target, names.Target.ToString(), ct);
        var sub = Quote.Ident(names.Id);
        foreach (var sql in new[] { $"ALTER SUBSCRIPTION {sub} DISABLE", $"ALTER SUBSCRIPTION {sub} SET (slot_name = NONE)", $"DROP SUBSCRIPTION {sub}" })
        {
            await using var cmd = new NpgsqlCommand(sql, target);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return true;
    }

    /// <summary>
    /// Follows the subscription until a cutover finishes the migration (the record says so, or the publication is
    /// gone): its applied position goes to the progress counters once a second. Throws when the subscription is dropped.
    /// </summary>
    public static async Task FollowAsync(NpgsqlConnection admin, MigrationNames names, SyncProgress progress, CancellationToken ct)
    {
        await using var target = await PgSession.OpenAsync(ReplicationSettings.Target(names.Target), Side.Target, names.Target.ToString(), ct);
        while (true)
        {
            // The cutover marks the record, then drops the subscription, then the publication: read in the other order.
            var subscribed = await SubscriptionCatalog.ExistsAsync(target, names.Id, ct);
            var record = await MigrationRecordStore.ReadAsync(admin, names.Publication, ct);
            if (record?.State == MigrationState.CutOver || !await ReplicationCatalog.PublicationExistsAsync(admin, names.Publication, ct)) return;
            if (!subscribed)
                throw new PgMoveException(ExitCode.StepFailed, $"the native subscription {names.Id} on the target was dropped before a cutover");
            if (await SubscriptionCatalog.ReadProgressAsync(target, names.Id, ct) is { } lsn) progress.Idle(lsn);
            await Task.Delay(1000, ct);
        }
    }
}
