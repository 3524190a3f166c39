using PgMove.Catalog;
using PgMove.Planning;

namespace PgMove.Resume;

/// <summary>What a resume does with each item of the rebuilt plan, and what must be undone on the target first.</summary>
public sealed class ResumeDecision
{
    /// <summary>Items done in the interrupted run: skipped.</summary>
    public List<WorkItem> Skipped { get; } = [];
    /// <summary>Items that ran without being recorded done, or whose source table changed: redone from a clean state.</summary>
    public List<WorkItem> Redone { get; } = [];
    /// <summary>Nothing survived of pre-data: the target's copy of the source's schemas is dropped and everything runs.</summary>
    public bool CleanTarget { get; set; }
    /// <summary>Tables emptied on the target before their rows are loaded again.</summary>
    public HashSet<TableInfo> TablesToEmpty { get; } = [];
    /// <summary>Indexes (and the constraints they carry) dropped if present: rebuilt by their items or batch.</summary>
    public List<(TableInfo Table, IndexInfo Index)> IndexesToDrop { get; } = [];
    /// <summary>Source tables found changed since the first run's snapshot (schema.name): copied again.</summary>
    public IReadOnlyList<string> ChangedTables { get; set; } = [];
    /// <summary>The large objects changed on the source since the first run: copied again.</summary>
    public bool LargeObjectsChanged { get; set; }

    /// <summary>Marks <paramref name="item"/> to be redone (once).</summary>
    /// <param name="item">An item of the rebuilt plan.</param>
    public void Redo(WorkItem item)
    {
        if (item.Redo) return;
        if (item.State == WorkItemState.Done) Skipped.Remove(item);
        item.State = WorkItemState.Pending;
        item.Redo = true;
        Redone.Add(item);
    }
}
