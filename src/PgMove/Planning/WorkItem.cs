namespace PgMove.Planning;

/// <summary>
/// One unit of a migration plan: restore a schema section, copy one table, set the sequences, analyze a table…
/// It runs once all its dependencies are done; among ready items the scheduler takes the highest
/// <see cref="Priority"/> first (a table's size, so the largest tables start first).
/// </summary>
public abstract class WorkItem(string id, WorkItemKind kind, string label, long priority = 0)
{
    readonly List<WorkItem> _dependencies = [];

    /// <summary>Stable across runs of the same plan, e.g. "table:public.actor".</summary>
    public string Id { get; } = id;
    public WorkItemKind Kind { get; } = kind;
    /// <summary>For people: what the item does.</summary>
    public string Label { get; } = label;
    public long Priority { get; } = priority;
    public IReadOnlyList<WorkItem> Dependencies => _dependencies;
    public WorkItemState State { get; internal set; } = WorkItemState.Pending;
    /// <summary>What the item moved once done.</summary>
    public WorkResult Result { get; internal set; }
    public DateTimeOffset? StartedAt { get; internal set; }
    public DateTimeOffset? FinishedAt { get; internal set; }

    public WorkItem After(IEnumerable<WorkItem> items)
    {
        _dependencies.AddRange(items);
        return this;
    }

    public WorkItem After(params WorkItem[] items) => After((IEnumerable<WorkItem>)items);

    /// <summary>Does the work; <paramref name="progress"/> takes cumulative rows and bytes while it runs.</summary>
    public abstract Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct);

    public override string ToString() => Id;
}
