using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// <c>pgmove cleanup</c>: drops the slot and publication on the source and the origin on the target of the source
/// database's migration (found on the servers), and its local progress file; with <c>liftFence</c>, also lifts a
/// cutover's fence, restoring the settings it replaced. Refuses while a sync streams. Safe to run again.
/// </summary>
public static class CleanupRunner
{
    /// <summary>Returns one line per thing done.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(ConnectionSpec source, ConnectionSpec target, string? stateDirectory, bool liftFence,
        CancellationToken ct)
    {
        var done = new List<string>();
        await using (var admin = await OpenSourceAsync(source, ct))
        {
            var names = await MigrationNames.ResolveAsync(admin, source, target, ct);
            // --apply native: the target's subscription streams the slot; it goes first, the slot is pgmove's to drop.
            if (await NativeApply.DropAsync(names, ct)) done.Add($"native subscription {names.Id} on the target");
            var slot = await ReplicationCatalog.ReadSettledSlotAsync(admin, names.Slot, TimeSpan.FromSeconds(5), ct);
            if (slot is { ActivePid: { } pid })
                throw new PgMoveException(ExitCode.Refused,
                    $"slot {names.Slot} is being streamed by process {pid}: a pgmove sync is running; stop it (Ctrl-C) before cleanup; nothing was dropped");
            var record = await MigrationRecordStore.ReadAsync(admin, names.Publication, ct);
            if (liftFence)
            {
                // After a cutover the record went with the publication: its result file (on the machine that ran it) has the fence.
                var fence = record?.Fence ?? new CutoverResultFile(stateDirectory ?? names.DefaultStateDirectory).Read()?.Fence;
                await SourceFence.LiftAsync(admin, source.Database, fence, names.Publication, record, ct);
                done.Add($"fence lifted on the source database {source.Database}: {SourceFence.LiftAdvice(source.Database, fence)}");
            }
            if (await SourceSetup.DropSlotAsync(admin, names.Slot, ct)) done.Add($"replication slot {names.Slot} on the source");
            if (await SourceSetup.DropPublicationAsync(admin, names.Publication, ct)) done.Add($"publication {names.Publication} on the source");
            await using (var connection = await TargetCluster.OpenAsync(names.Target, ct))
                if (await TargetOrigin.DropAsync(connection, names.Origin, ct)) done.Add($"replication origin {names.Origin} on the target");
            new SyncStateFile(stateDirectory ?? names.DefaultStateDirectory).Delete();
        }
        return done;
    }

    /// <summary>The source database, or (when a fence admits superusers only) the error says how to lift it.</summary>
    static async Task<NpgsqlConnection> OpenSourceAsync(ConnectionSpec source, CancellationToken ct)
    {
        try
        {
            return await PgSession.OpenAsync(ReplicationSettings.SourceAdmin(source), Side.Source, source.ToString(), ct);
        }
        catch (PgMoveException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.TooManyConnections })
        {
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"the source database {source.Database} is fenced by a cutover and admits superusers only; lift the fence as a superuser or " +
                $"its owner, in any session on the source: {SourceFence.LiftAdvice(source.Database, null)}", e);
        }
    }
}
