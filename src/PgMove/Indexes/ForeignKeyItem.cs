using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Indexes;

/// <summary>
/// Adds one foreign key once the referencing table's rows and indexes and the referenced table's keys exist.
/// Foreign keys run in parallel; two that lock the same pair of tables in opposite orders can deadlock, and the
/// server then aborts one: that one is simply run again.
/// </summary>
public sealed class ForeignKeyItem(ConstraintInfo foreignKey, TableInfo table, long cost)
    : WorkItem($"fk:{table.DisplayName}.{foreignKey.Name}", WorkItemKind.Constraint, $"foreign key {foreignKey.Name} on {table.DisplayName}", cost)
{
    const int Attempts = 5;

    public ConstraintInfo ForeignKey { get; } = foreignKey;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var sql = $"ALTER TABLE ONLY {table.QualifiedName} ADD CONSTRAINT {Quote.Ident(ForeignKey.Name)} {ForeignKey.Definition}";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var target = await context.OpenTargetAsync(ct);
                await PgSession.ExecuteAsync(target, context.IndexSessionSetup, ct);
                await PgSession.ExecuteAsync(target, sql, ct);
                return WorkResult.None;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < Attempts)
            {
                await Task.Delay(100 * attempt, ct);
            }
        }
    }
}
