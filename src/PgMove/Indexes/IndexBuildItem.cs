using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;

namespace PgMove.Indexes;

/// <summary>
/// Builds one index of a table as soon as that table's rows are in, while other tables still load. A primary key or
/// unique constraint is built as its unique index here (CREATE INDEX takes only a SHARE lock, so a table's indexes
/// build side by side) and attached later by <see cref="TableKeysItem"/>. Constraints that cannot be attached that
/// way (exclusion, deferrable, non-default ordering) are added whole.
/// </summary>
public sealed class IndexBuildItem(IndexInfo index, TableInfo table, long cost)
    : WorkItem($"index:{table.Schema}.{index.Name}", WorkItemKind.Index, $"index {index.Name} on {table.DisplayName}", cost)
{
    public IndexInfo Index { get; } = index;
    /// <summary>The table the index is on.</summary>
    public TableInfo Table { get; } = table;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        using var memory = context.SortMemory.Take(SortMemoryBudget.ExpectedFor(Index.Bytes));
        await using var target = await context.OpenTargetAsync(ct);
        await PgSession.ExecuteAsync(target, memory.SetStatement, ct);
        await PgSession.ExecuteAsync(target, IndexStatements.Build(Table, Index), ct);
        return WorkResult.None;
    }
}
