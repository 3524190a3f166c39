using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// <c>pgmove status</c>, from any machine that reaches the servers: the migration's record and slot on the source,
/// the apply position in the target's origin, the source's own measure of the apply lag, and the apply rate over
/// one second. The sync's progress file and the last cutover's result are added when they are on this machine.
/// </summary>
public static class StatusRunner
{
    public static async Task<StatusReport> ReadAsync(ConnectionSpec source, ConnectionSpec target, string? stateDirectory, CancellationToken ct)
    {
        await using var connection = await PgSession.OpenAsync(ReplicationSettings.SourceReader(source), Side.Source, source.ToString(), ct);
        var names = await MigrationNames.ResolveAsync(connection, source, target, ct);
        var directory = stateDirectory ?? names.DefaultStateDirectory;
        var record = await MigrationRecordStore.ReadAsync(connection, names.Publication, ct);
        var slot = await ReplicationCatalog.ReadSlotAsync(connection, names.Slot, ct);
        double? rate = null;
        if (slot?.ActivePid is not null && slot.ConfirmedFlush is { } before)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Task.Delay(1000, ct);
            slot = await ReplicationCatalog.ReadSlotAsync(connection, names.Slot, ct);
            if (slot?.ConfirmedFlush is { } after) rate = Math.Max(0, (double)(ulong)(after - before)) / clock.Elapsed.TotalSeconds;
        }
        var local = new SyncStateFile(directory).Read();
        var alive = local is not null && local.IsAlive(TimeSpan.FromSeconds(30));
        var lag = slot is null ? null : await ApplyLag.ReadAsync(connection, slot, rate, null, ct);
        // The running sync on this machine knows the age of what it has not applied yet (see ApplyLag).
        if (lag is not null && alive && local!.LagSeconds is { } own && lag.LagBytes > 0 && own > (lag.LagSeconds ?? 0))
            lag = lag with { LagSeconds = own };
        var (hasOrigin, applied) = await ReadOriginAsync(names, ct);
        var cutover = new CutoverResultFile(directory).Read();
        var phase = Phase(record, slot, hasOrigin, cutover);
        return new StatusReport(source.ToString(), names.Target.ToString(), names.Slot, phase, record?.Describe(), record?.Fence is not null,
            slot is not null, slot?.ActivePid, lag?.LagBytes, lag?.LagSeconds, rate, slot?.RetainedBytes,
            applied, alive ? local!.ChangesPerSecond : null, local?.Changes,
            lag?.EtaSeconds, cutover, directory);
    }

    static string Phase(MigrationRecord? record, SlotInfo? slot, bool hasOrigin, CutoverResult? cutover) => (record, slot) switch
    {
        ({ State: MigrationState.CutOver }, _) => "cut over (dropping slot, publication and origin)",
        (null, null) => cutover is null ? "none" : "cut over",
        (_, null) => "incomplete (a publication without its slot: run `pgmove cleanup`)",
        (_, { ActivePid: null }) => "stopped (`pgmove sync` resumes it, `pgmove cleanup` drops it)",
        _ => hasOrigin ? "streaming" : "copying",
    };

    /// <summary>
    /// Whether the target has the origin (pgmove's, or with --apply native the subscription's), and how far it has
    /// applied; (false, null) when the target cannot say.
    /// </summary>
    static async Task<(bool, string?)> ReadOriginAsync(MigrationNames names, CancellationToken ct)
    {
        try
        {
            await using var target = await TargetCluster.OpenAsync(names.Target, ct);
            if (await SubscriptionCatalog.ExistsAsync(target, names.Id, ct))
                return (true, (await SubscriptionCatalog.ReadProgressAsync(target, names.Id, ct))?.ToString());
            if (!await ReplicationCatalog.OriginExistsAsync(target, names.Origin, ct)) return (false, null);
            return (true, (await ReplicationCatalog.ReadOriginProgressAsync(target, names.Origin, ct))?.ToString());
        }
        catch (Exception e) when (e is NpgsqlException or PgMoveException)
        {
            return (false, null);
        }
    }
}
