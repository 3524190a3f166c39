using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Indexes;

/// <summary>
/// Builds one index of a table as soon as that table's rows are in, while other tables still load. A primary key or
/// unique constraint is built as its unique index here (CREATE INDEX takes only a SHARE lock, so a table's indexes
/// build side by side) and attached later by <see cref="TableKeysItem"/>. Constraints that cannot be attached that
/// way (exclusion, deferrable, non-default ordering) are added whole.
/// </summary>
public sealed class IndexBuildItem(IndexInfo index, TableInfo table, long priority)
    : WorkItem($"index:{table.Schema}.{index.Name}", WorkItemKind.Index, $"index {index.Name} on {table.DisplayName}", priority)
{
    public IndexInfo Index { get; } = index;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var target = await context.OpenTargetAsync(ct);
        await PgSession.ExecuteAsync(target, context.IndexSessionSetup, ct);
        var sql = Index.Constraint is { CanUseIndex: false } constraint
            ? $"ALTER TABLE ONLY {table.QualifiedName} ADD CONSTRAINT {Quote.Ident(constraint.Name)} {constraint.Definition}"
            : Index.Definition;
        await PgSession.ExecuteAsync(target, sql, ct);
        return WorkResult.None;
    }
}
