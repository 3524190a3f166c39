using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;

namespace PgMove.Indexes;

/// <summary>
/// Once all of a table's indexes are built: turns the unique indexes into their primary key and unique constraints
/// (ADD CONSTRAINT … USING INDEX, a catalog change that reads no rows) and restores CLUSTER ON and
/// REPLICA IDENTITY USING INDEX, all in one short transaction.
/// </summary>
public sealed class TableKeysItem(TableInfo table, IReadOnlyList<IndexInfo> indexes)
    : WorkItem($"keys:{table.DisplayName}", WorkItemKind.Constraint, $"keys of {table.DisplayName}", 1)
{
    /// <summary>The table whose keys are attached.</summary>
    public TableInfo Table { get; } = table;
    /// <summary>The table's indexes, among them those the keys attach.</summary>
    public IReadOnlyList<IndexInfo> Indexes { get; } = indexes;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var target = await context.OpenTargetAsync(ct);
        await using var tx = await target.BeginTransactionAsync(ct);
        foreach (var statement in IndexStatements.Keys(Table, Indexes))
            await PgSession.ExecuteAsync(target, statement, ct);
        await tx.CommitAsync(ct);
        return WorkResult.None;
    }
}
