using Npgsql;
using PgMove.Catalog;
using PgMove.Errors;
using PgMove.Indexes;
using PgMove.Planning;

namespace PgMove.Data;

/// <summary>
/// Copies a batch of small tables in one source and one target transaction and, in that same target transaction,
/// builds their indexes and keys and analyzes them: one item and one commit where per-table items would pay a
/// session, a snapshot import and four round trips each for a few kilobytes.
/// </summary>
public sealed class SmallTablesItem(int number, IReadOnlyList<(TableInfo Table, IReadOnlyList<IndexInfo> Indexes)> tables, long cost)
    : WorkItem($"tables:batch-{number}", WorkItemKind.TableData, $"copy {tables.Count} small tables (batch {number})", cost)
{
    public IReadOnlyList<(TableInfo Table, IReadOnlyList<IndexInfo> Indexes)> Tables { get; } = tables;
    public override int TableCount => Tables.Count;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var transfer = await DataTransfer.OpenAsync(context, Tables.Select(t => t.Table).ToList(), ct);
        long rows = 0, bytes = 0;
        foreach (var (table, _) in Tables)
        {
            var (r, b) = (rows, bytes);
            var loaded = await LoadAsync(transfer, table, (tableRows, tableBytes) => progress(r + tableRows, b + tableBytes), ct);
            rows += loaded.Rows;
            bytes += loaded.Bytes;
        }
        await using var batch = new NpgsqlBatch(transfer.Target);
        foreach (var (table, indexes) in Tables)
        {
            foreach (var statement in IndexStatements.Whole(table, indexes)) batch.BatchCommands.Add(new(statement));
            batch.BatchCommands.Add(new($"ANALYZE {table.QualifiedName}"));
        }
        await batch.ExecuteNonQueryAsync(ct);
        TargetFiles = await TargetFileNodes.ReadAsync(transfer.Target, Tables.Select(t => t.Table), ct);
        await transfer.CommitAsync(ct);
        return new WorkResult(rows, bytes);
    }

    /// <summary>Loads one table of the batch; a failure names that table, since the item's label names only the batch.</summary>
    static async Task<WorkResult> LoadAsync(DataTransfer transfer, TableInfo table, Action<long, long> progress, CancellationToken ct)
    {
        try
        {
            return await TableLoader.LoadAsync(transfer, table, null, freeze: false, progress, ct, tiny: true);
        }
        catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
        {
            var cause = ErrorMap.Map(e);
            throw new PgMoveException(cause.ExitCode, $"copy of table {table.DisplayName} failed: {cause.Message}", e);
        }
    }
}
