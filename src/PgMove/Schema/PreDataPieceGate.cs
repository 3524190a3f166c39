using PgMove.Planning;

namespace PgMove.Schema;

/// <summary>
/// Done once the tables of one piece of a pre-data restore in pieces exist on the target, while the restore goes on
/// with the next pieces: the rows of those tables load beside it, and the CPU the restore's round trips leave idle
/// is used. It only waits, and takes no worker.
/// </summary>
/// <param name="piece">The dump piece (1 and up).</param>
/// <param name="restore">The item restoring the tables' pieces: when a resume has it done already, so is this.</param>
public sealed class PreDataPieceGate(int piece, WorkItem restore)
    : WorkItem($"schema:pre-data-piece-{piece}", WorkItemKind.Schema, $"tables of piece {piece + 1} restored")
{
    public override bool HoldsWorker => false;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        if (restore.State != WorkItemState.Done) await context.Archive.PieceRestoredAsync(piece, ct);
        return WorkResult.None;
    }
}
