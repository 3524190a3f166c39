using PgMove.Catalog;
using PgMove.Planning;

namespace PgMove.Data;

/// <summary>
/// Copies one slice of a split table, side by side with its other slices. The table was created empty by the
/// pre-data restore, so each slice appends in its own transaction (without FREEZE, which needs the table to be
/// created or truncated in the loading transaction).
/// </summary>
public sealed class TablePartItem(TableInfo table, int part, int parts, string slice)
    : WorkItem($"table:{table.DisplayName}#{part + 1}", WorkItemKind.TableData, $"copy {table.DisplayName} part {part + 1}/{parts}", table.Bytes / parts)
{
    public TableInfo Table { get; } = table;
    public override int TableCount => part == 0 ? 1 : 0;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var transfer = await DataTransfer.OpenAsync(context, ct);
        var result = await TableLoader.LoadAsync(transfer.Source, transfer.Target, Table, slice, freeze: false, progress, ct);
        await transfer.CommitAsync(ct);
        return result;
    }
}
