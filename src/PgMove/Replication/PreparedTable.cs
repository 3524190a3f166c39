namespace PgMove.Replication;

/// <summary>
/// One table's changes of a <see cref="PreparedBatch"/>: folded, their statements and COPY text made (<see cref="Set"/>),
/// or, when they cannot be folded, null: then they go one statement each, in order.
/// </summary>
internal sealed record PreparedTable(ApplyTable Table, IReadOnlyList<Change> Changes, SetWork? Set)
{
    public static PreparedTable Of(ApplyTable table, IReadOnlyList<Change> changes) =>
        new(table, changes, ChangeFolder.Fold(table, changes) is { } folded ? SetWork.Render(table, folded) : null);
}
