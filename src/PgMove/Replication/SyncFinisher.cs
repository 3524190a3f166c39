using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;
using PgMove.Sequences;

namespace PgMove.Replication;

/// <summary>
/// The end of a sync, once the fence is applied (the source takes no more writes): sequences set to the source's
/// current values, every replicated table verified, then the slot, publication and origin dropped. A failure is
/// recorded in the state file by the sync, with its exit code, for the waiting cutover.
/// </summary>
internal sealed class SyncFinisher(ConnectionSpec source, MigrationNames names, IProgressSink sink, ICutoverVerifier verifier)
{
    public async Task<SyncSummary> FinishAsync(Action<SyncState> write, SyncState state, CancellationToken ct)
    {
        var sourceReader = ReplicationSettings.SourceReader(source);
        var targetCs = ReplicationSettings.Target(names.Target);
        int sequences;
        await using (var from = await PgSession.OpenAsync(sourceReader, Side.Source, source.ToString(), ct))
        await using (var to = await PgSession.OpenAsync(targetCs, Side.Target, names.Target.ToString(), ct))
            sequences = await SequenceSetItem.CopyAsync(from, to, ct);
        sink.Report(new Notice($"set {sequences} sequences to the source's values"));

        IReadOnlyList<(string Schema, string Name)> tables;
        var differences = new List<string>();
        await using (var admin = await PgSession.OpenAsync(ReplicationSettings.SourceAdmin(source), Side.Source, source.ToString(), ct))
        {
            tables = await ReplicationCatalog.ReadPublishedTablesAsync(admin, names.Publication, ct);
            // Tables created on the source while syncing are in no publication: their rows never reached the target.
            var server = await ServerCatalog.ReadAsync(admin, ct);
            differences.AddRange((await TableCatalog.ReadAsync(admin, server.VersionNum, ct))
                .Where(t => !t.Unlogged && !tables.Contains((t.Schema, t.Name)))
                .Select(t => $"{t.DisplayName} was created on the source during the sync and is not replicated"));
        }
        differences.AddRange(await verifier.VerifyAsync(source, names.Target, sink, ct));
        if (differences.Count > 0)
            throw new PgMoveException(ExitCode.Differences,
                $"verification after the fence found {differences.Count} difference(s): {string.Join("; ", differences.Take(5))}; " +
                "the source stays read-only and the slot is kept; investigate, then `pgmove cleanup`");
        sink.Report(new Notice($"verified {tables.Count} tables: same schema, row counts and checksums on both sides"));

        await using (var admin = await PgSession.OpenAsync(ReplicationSettings.SourceAdmin(source), Side.Source, source.ToString(), ct))
        {
            await SourceSetup.DropSlotAsync(admin, names.Slot, ct);
            await SourceSetup.DropPublicationAsync(admin, names.Publication, ct);
        }
        await using (var target = await PgSession.OpenAsync(targetCs, Side.Target, names.Target.ToString(), ct))
            await TargetOrigin.DropAsync(target, names.Origin, ct);
        sink.Report(new Notice($"dropped slot and publication {names.Slot} on the source and origin {names.Origin} on the target"));
        var done = state with { Phase = SyncPhase.Done, Sequences = sequences, TablesVerified = tables.Count };
        write(done);
        return new SyncSummary(source.ToString(), names.Target.ToString(), done.Transactions, done.Changes, sequences, tables.Count, "");
    }
}
