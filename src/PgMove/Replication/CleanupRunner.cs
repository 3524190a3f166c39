using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// <c>pgmove cleanup</c>: drops the slot and publication on the source and the origin on the target that a sync of
/// this source and target created (found by their names), and its state file. Safe to run again: what is gone is skipped.
/// </summary>
public static class CleanupRunner
{
    /// <summary>Returns one line per object dropped.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(ConnectionSpec source, ConnectionSpec target, string? stateDirectory, CancellationToken ct)
    {
        var names = MigrationNames.For(source, target);
        var dropped = new List<string>();
        await using (var admin = await PgSession.OpenAsync(ReplicationSettings.SourceAdmin(source), Side.Source, source.ToString(), ct))
        {
            if (await ReplicationCatalog.ReadSlotAsync(admin, names.Slot, ct) is { ActivePid: { } pid })
                throw new PgMoveException(ExitCode.Refused,
                    $"slot {names.Slot} is being streamed by process {pid}: a pgmove sync is running; stop it (Ctrl-C) before cleanup; nothing was dropped");
            if (await SourceSetup.DropSlotAsync(admin, names.Slot, ct)) dropped.Add($"replication slot {names.Slot} on the source");
            if (await SourceSetup.DropPublicationAsync(admin, names.Publication, ct)) dropped.Add($"publication {names.Publication} on the source");
        }
        await using (var connection = await TargetCluster.OpenAsync(names.Target, ct))
            if (await TargetOrigin.DropAsync(connection, names.Origin, ct)) dropped.Add($"replication origin {names.Origin} on the target");
        new SyncStateFile(stateDirectory ?? names.DefaultStateDirectory).Delete();
        return dropped;
    }
}
