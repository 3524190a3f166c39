using PgMove.Planning;

namespace PgMove.Schema;

/// <summary>
/// Done once a batch's tables exist on the target, while the restore of their piece goes on with the next tables
/// (SchemaArchive restores each piece in runs): the batch's rows load beside it. It only waits, and takes no worker.
/// Items that hold their tables' locks for long (a big table's COPY) wait for the whole piece instead
/// (<see cref="PreDataPieceGate"/>): the piece's later entries (column defaults, ownerships of sequences) alter them.
/// </summary>
/// <param name="number">The batch's number, which names the gate.</param>
/// <param name="tables">The source OIDs of the batch's tables.</param>
/// <param name="restore">The item restoring the tables' pieces: when a resume has it done already, so is this.</param>
public sealed class PreDataTablesGate(int number, IReadOnlyList<uint> tables, WorkItem restore)
    : WorkItem($"schema:pre-data-tables-{number}", WorkItemKind.Schema, $"tables of batch {number} restored")
{
    public override bool HoldsWorker => false;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        if (restore.State != WorkItemState.Done) await context.Archive.TablesRestoredAsync(tables, ct);
        return WorkResult.None;
    }
}
