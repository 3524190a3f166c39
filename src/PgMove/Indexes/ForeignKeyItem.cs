using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Indexes;

/// <summary>
/// Adds one foreign key once the referencing table's rows and indexes and the referenced table's keys exist: first
/// NOT VALID (a catalog change), then VALIDATE CONSTRAINT. ADD takes SHARE ROW EXCLUSIVE on both tables for the
/// whole check, so keys referencing the same table would check one after the other; VALIDATE takes only SHARE
/// UPDATE EXCLUSIVE on the referencing table and ROW SHARE on the referenced one, so they check side by side. The
/// result is the same validated constraint. A deadlock between two short ADDs aborts one, which is run again.
/// The validation query runs with work_mem = maintenance_work_mem (PostgreSQL's RI_Initial_Check), so the session
/// takes a share of the sort memory sized from the referenced table.
/// </summary>
public sealed class ForeignKeyItem(ConstraintInfo foreignKey, TableInfo table, long referencedBytes, long cost)
    : WorkItem($"fk:{table.DisplayName}.{foreignKey.Name}", WorkItemKind.Constraint, $"foreign key {foreignKey.Name} on {table.DisplayName}", cost)
{
    const int Attempts = 5;

    public ConstraintInfo ForeignKey { get; } = foreignKey;
    /// <summary>The referencing table.</summary>
    public TableInfo Table { get; } = table;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        // A key that is NOT VALID (or NOT ENFORCED) on the source stays so: its definition says it.
        var validate = !ForeignKey.Definition.Contains(" NOT VALID", StringComparison.Ordinal)
                       && !ForeignKey.Definition.Contains(" NOT ENFORCED", StringComparison.Ordinal);
        var add = AddSql(Table, ForeignKey) + (validate ? " NOT VALID" : "");
        using var memory = context.SortMemory.Take(SortMemoryBudget.ExpectedFor(referencedBytes / 4));
        await using var target = await context.OpenTargetAsync(ct);
        await PgSession.ExecuteAsync(target, memory.SetStatement, ct);
        await RunWithRetryAsync(target, add, ct);
        if (validate)
            await RunWithRetryAsync(target, $"ALTER TABLE ONLY {Table.QualifiedName} VALIDATE CONSTRAINT {Quote.Ident(ForeignKey.Name)}", ct);
        return WorkResult.None;
    }

    /// <summary>The ALTER TABLE adding <paramref name="key"/> to <paramref name="table"/> as the source defines it.</summary>
    /// <param name="table">The referencing table.</param>
    /// <param name="key">The foreign key.</param>
    public static string AddSql(TableInfo table, ConstraintInfo key) =>
        $"ALTER TABLE ONLY {table.QualifiedName} ADD CONSTRAINT {Quote.Ident(key.Name)} {key.Definition}";

    static async Task RunWithRetryAsync(NpgsqlConnection target, string sql, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PgSession.ExecuteAsync(target, sql, ct);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < Attempts)
            {
                await Task.Delay(100 * attempt, ct);
            }
        }
    }
}
