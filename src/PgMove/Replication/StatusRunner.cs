using PgMove.Catalog;
using PgMove.Connections;

namespace PgMove.Replication;

/// <summary><c>pgmove status</c>: the slot as the source sees it, plus the running sync's own figures from its state file.</summary>
public static class StatusRunner
{
    public static async Task<StatusReport> ReadAsync(ConnectionSpec source, ConnectionSpec target, string? stateDirectory, CancellationToken ct)
    {
        var names = MigrationNames.For(source, target);
        var file = new SyncStateFile(stateDirectory ?? names.DefaultStateDirectory);
        var state = file.Read();
        SlotInfo? slot;
        await using (var connection = await PgSession.OpenAsync(ReplicationSettings.SourceReader(source), Side.Source, source.ToString(), ct))
            slot = await ReplicationCatalog.ReadSlotAsync(connection, names.Slot, ct);
        var phase = state is null ? "not running"
            : state.Phase is SyncPhase.Done or SyncPhase.Failed || state.IsAlive(TimeSpan.FromSeconds(30)) ? state.Phase
            : $"stopped (was {state.Phase})";
        double? lagSeconds = null;
        if (slot?.LagBytes is { } lag && state is not null)
            lagSeconds = lag == 0 || state.AppliedCommitTime is not { } applied ? 0
                : Math.Max(0, Math.Round((DateTimeOffset.UtcNow - applied).TotalSeconds, 1));
        return new StatusReport(source.ToString(), names.Target.ToString(), names.Slot, phase, slot is not null, slot?.ActivePid,
            slot?.LagBytes, lagSeconds, slot?.RetainedBytes, state?.ChangesPerSecond, state?.Transactions, state?.Changes,
            state?.AppliedLsn, file.Directory);
    }
}
