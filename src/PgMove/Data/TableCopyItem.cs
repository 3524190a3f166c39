using PgMove.Catalog;
using PgMove.Planning;

namespace PgMove.Data;

/// <summary>
/// Copies one table's rows inside the run's snapshot. A whole table gets TRUNCATE then COPY … FREEZE in one target
/// transaction, so a retried item starts clean and the loaded rows need no later freezing vacuum. One slice of a
/// split table (<paramref name="slice"/>) appends beside its other slices, without FREEZE, which needs the table
/// to be created or truncated in the loading transaction.
/// </summary>
public sealed class TableCopyItem(TableInfo table, int part = 0, int parts = 1, string? slice = null)
    : WorkItem(
        slice is null ? $"table:{table.DisplayName}" : $"table:{table.DisplayName}#{part + 1}",
        WorkItemKind.TableData,
        slice is null ? $"copy {table.DisplayName}" : $"copy {table.DisplayName} part {part + 1}/{parts}",
        table.Bytes / parts)
{
    public TableInfo Table { get; } = table;
    /// <summary>A split table counts once, on its first slice.</summary>
    public override int TableCount => part == 0 ? 1 : 0;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var transfer = await DataTransfer.OpenAsync(context, [Table], ct);
        var result = await TableLoader.LoadAsync(transfer, Table, slice, freeze: slice is null, progress, ct);
        TargetFiles = await TargetFileNodes.ReadAsync(transfer.Target, [Table], ct);
        await transfer.CommitAsync(ct);
        return result;
    }
}
