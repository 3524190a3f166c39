using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Indexes;

/// <summary>
/// Once all of a table's indexes are built: turns the unique indexes into their primary key and unique constraints
/// (ADD CONSTRAINT … USING INDEX, a catalog change that reads no rows) and restores CLUSTER ON and
/// REPLICA IDENTITY USING INDEX, all in one short transaction.
/// </summary>
public sealed class TableKeysItem(TableInfo table, IReadOnlyList<IndexInfo> indexes, long priority)
    : WorkItem($"keys:{table.DisplayName}", WorkItemKind.Constraint, $"keys of {table.DisplayName}", priority)
{
    /// <summary>The statements to run, or none when the table needs no such step.</summary>
    public static IReadOnlyList<string> StatementsFor(TableInfo table, IReadOnlyList<IndexInfo> indexes)
    {
        var statements = new List<string>();
        foreach (var index in indexes)
        {
            var name = index.Name;
            if (index.Constraint is { CanUseIndex: true } c)
            {
                var kind = c.Type == 'p' ? "PRIMARY KEY" : "UNIQUE";
                statements.Add($"ALTER TABLE ONLY {table.QualifiedName} ADD CONSTRAINT {Quote.Ident(c.Name)} {kind} USING INDEX {Quote.Ident(name)}");
                name = c.Name; // the index takes the constraint's name
            }
            if (index.Clustered)
                statements.Add($"ALTER TABLE {table.QualifiedName} CLUSTER ON {Quote.Ident(name)}");
            if (index.ReplicaIdentity)
                statements.Add($"ALTER TABLE ONLY {table.QualifiedName} REPLICA IDENTITY USING INDEX {Quote.Ident(name)}");
        }
        return statements;
    }

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var target = await context.OpenTargetAsync(ct);
        await using var tx = await target.BeginTransactionAsync(ct);
        foreach (var statement in StatementsFor(table, indexes))
            await PgSession.ExecuteAsync(target, statement, ct);
        await tx.CommitAsync(ct);
        return WorkResult.None;
    }
}
