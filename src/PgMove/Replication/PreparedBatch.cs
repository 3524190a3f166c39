namespace PgMove.Replication;

/// <summary>
/// A piece of the applier's buffer made ready off the target session (grouped per table, folded, arrays and COPY text
/// rendered), so that the next piece is prepared while this one is written: either row changes of several tables
/// (<see cref="Tables"/>, with <see cref="Changes"/> in stream order for the one-statement-per-change fallback) or
/// one TRUNCATE (<see cref="Truncate"/>).
/// </summary>
internal sealed record PreparedBatch(IReadOnlyList<Change> Changes, IReadOnlyList<PreparedTable> Tables, TruncateChange? Truncate)
{
    /// <summary>Groups <paramref name="changes"/> (row changes only) per table in first-appearance order, folds and renders each.</summary>
    public static PreparedBatch Of(List<Change> changes)
    {
        var byTable = new Dictionary<ApplyTable, List<Change>>();
        var order = new List<ApplyTable>();
        foreach (var change in changes)
        {
            var table = TableOf(change);
            if (!byTable.TryGetValue(table, out var list)) { byTable[table] = list = []; order.Add(table); }
            list.Add(change);
        }
        return new PreparedBatch(changes, order.Select(t => PreparedTable.Of(t, byTable[t])).ToList(), null);
    }

    static ApplyTable TableOf(Change change) => change switch
    {
        InsertChange c => c.Table,
        UpdateChange c => c.Table,
        DeleteChange c => c.Table,
        _ => throw new InvalidOperationException("not a row change: " + change.GetType().Name),
    };
}
