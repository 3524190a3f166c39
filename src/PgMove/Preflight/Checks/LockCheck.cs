using PgMove.Planning;
using PgMove.Schema;

namespace PgMove.Preflight.Checks;

/// <summary>
/// The source's lock table against the tables the copy locks: the same rule the copy plans its schema dump with
/// (<see cref="LockBudget"/>, <see cref="DumpPieces.PlanAsync"/>).
/// </summary>
public sealed class LockCheck : IPreflightCheck
{
    public string Name => "locks";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var budget = await LockBudget.ReadAsync(context.Source, ct);
        var pieces = await DumpPieces.PlanAsync(context.Source, budget, ct, context.Selection);
        return [Judge(budget, pieces)];
    }

    /// <summary>The verdict on a plan of pieces under a budget.</summary>
    /// <param name="budget">The source's lock budget.</param>
    /// <param name="pieces">The dump's pieces under it.</param>
    public static CheckItem Judge(LockBudget budget, DumpPieces pieces)
    {
        if (!pieces.IsSplit)
            return CheckItem.Ok("locks-source", $"the tables fit a quarter of the source's lock table ({budget}): one schema dump, every table locked for the whole copy");
        var largest = pieces.LargestPiece;
        var evidence = $"the tables exceed a quarter of the source's lock table ({budget}): the schema is dumped in {pieces.Selections.Count} " +
                       $"pieces of at most {largest} tables under one snapshot, and each data session locks only its own tables";
        if (largest <= budget.SplitPieceTables) return CheckItem.Ok("locks-source", evidence);
        var fix = $"raise max_locks_per_transaction on the source to {budget.LocksPerTransactionFor(largest)} or more (a restart), " +
                  "or run the copy while the source is quiet";
        return largest > budget.Capacity
            ? CheckItem.Fail("locks-source", $"{evidence}; one inheritance or partition tree of {largest} tables must be dumped at once, more than the lock table holds", fix)
            : CheckItem.Warn("locks-source", $"{evidence}; one inheritance or partition tree of {largest} tables must be dumped at once, more than half of the lock table", fix);
    }
}
