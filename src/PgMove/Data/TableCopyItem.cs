using PgMove.Catalog;
using PgMove.Planning;

namespace PgMove.Data;

/// <summary>
/// Copies one table's rows inside the run's snapshot: TRUNCATE then COPY … FREEZE in one target transaction, so a
/// retried item starts clean and the loaded rows need no later freezing vacuum.
/// </summary>
public sealed class TableCopyItem(TableInfo table)
    : WorkItem($"table:{table.DisplayName}", WorkItemKind.TableData, $"copy {table.DisplayName}", table.Bytes)
{
    public TableInfo Table { get; } = table;
    public override int TableCount => 1;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var transfer = await DataTransfer.OpenAsync(context, ct);
        var result = await TableLoader.LoadAsync(transfer.Source, transfer.Target, Table, null, freeze: true, progress, ct);
        await transfer.CommitAsync(ct);
        return result;
    }
}
