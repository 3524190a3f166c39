namespace PgMove.Planning;

/// <summary>
/// One unit of a migration plan: restore a schema section, copy one table, set the sequences, analyze a table…
/// It runs once all its dependencies are done; among ready items the scheduler takes first the one that heads the
/// longest chain of remaining work, measured with each item's <see cref="Cost"/>.
/// </summary>
public abstract class WorkItem(string id, WorkItemKind kind, string label, long cost = 0)
{
    readonly List<WorkItem> _dependencies = [];

    /// <summary>Stable across runs of the same plan, e.g. "table:public.actor".</summary>
    public string Id { get; } = id;
    public WorkItemKind Kind { get; } = kind;
    /// <summary>For people: what the item does.</summary>
    public string Label { get; } = label;
    /// <summary>Estimated work, in bytes to move or to sort (only compared with other items' costs).</summary>
    public long Cost { get; } = cost;
    public IReadOnlyList<WorkItem> Dependencies => _dependencies;
    /// <summary>How many tables this item copies rows for (a split table counts once, on its first part).</summary>
    public virtual int TableCount => 0;

    /// <summary>
    /// Whether the item takes one of the run's workers; false for an item that only waits for something running
    /// elsewhere (it must then use no session of its own).
    /// </summary>
    public virtual bool HoldsWorker => true;
    public WorkItemState State { get; internal set; } = WorkItemState.Pending;
    /// <summary>What the item moved once done.</summary>
    public WorkResult Result { get; internal set; }
    public DateTimeOffset? StartedAt { get; internal set; }
    /// <summary>The scheduler worker that ran the item (1-based), once started.</summary>
    public int? Worker { get; internal set; }
    public DateTimeOffset? FinishedAt { get; internal set; }

    /// <summary>
    /// Set by a resume: the item ran in the interrupted run without being recorded done, or its source table changed
    /// since; it must first undo what that attempt may have left (see the items that honour it).
    /// </summary>
    public bool Redo { get; set; }

    /// <summary>
    /// What a data item left on the target: table name → relfilenode once its rows are in. Recorded with the done
    /// state, so that a resume can tell a table pgmove loaded from one rewritten or truncated by someone else since.
    /// </summary>
    public IReadOnlyDictionary<string, uint> TargetFiles { get; protected set; } = new Dictionary<string, uint>();

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
