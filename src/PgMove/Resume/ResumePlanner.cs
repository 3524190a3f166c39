using PgMove.Analyze;
using PgMove.Catalog;
using PgMove.Data;
using PgMove.Indexes;
using PgMove.Planning;
using PgMove.Schema;

namespace PgMove.Resume;

/// <summary>
/// Decides, from the journal of the interrupted run and what changed on the source since, which items of the rebuilt
/// plan are skipped, redone or run, and what their earlier attempts may have left on the target. An item that was
/// running may have committed without being recorded, or left something half made (pre-data and post-data are not one
/// transaction, a foreign key is added then validated): what it makes is dropped or emptied first, so redoing it is safe.
/// </summary>
public static class ResumePlanner
{
    /// <summary>Items that run again on every resume: they are cheap and belong to the resume's own snapshot.</summary>
    static bool AlwaysRuns(WorkItem item) => item is SchemaDumpItem or PreDataPieceGate or PreDataTablesGate or SnapshotReleaseItem or Sequences.SequenceSetItem;

    /// <summary>Sets each item's state for the resume and returns the decision.</summary>
    /// <param name="items">The rebuilt plan (same ids as the recorded one).</param>
    /// <param name="journal">The interrupted run's journal.</param>
    /// <param name="changed">Source tables (schema.name) that changed since the first run's snapshot.</param>
    /// <param name="largeObjectsChanged">The source's large objects changed since.</param>
    public static ResumeDecision Decide(IReadOnlyList<WorkItem> items, ItemJournal journal, IReadOnlyCollection<string> changed,
        bool largeObjectsChanged)
    {
        var decision = new ResumeDecision { ChangedTables = changed.ToList(), LargeObjectsChanged = largeObjectsChanged };
        foreach (var item in items)
        {
            if (AlwaysRuns(item)) continue;
            var entry = journal[item.Id];
            if (entry?.State == WorkItemState.Done)
            {
                item.State = WorkItemState.Done;
                item.Result = new WorkResult(entry.Rows, entry.Bytes);
                decision.Skipped.Add(item);
            }
            else if (entry?.Started == true) decision.Redo(item);
        }
        if (items.First(i => i.Id == "schema:pre-data").State != WorkItemState.Done)
        {
            // Nothing else can have run before pre-data was done: drop its remains and run everything.
            decision.CleanTarget = true;
            return decision;
        }
        RedoChanged(items, decision, changed.ToHashSet(), largeObjectsChanged);
        RedoSplitTables(items, decision);
        foreach (var data in items.Where(i => i.Redo && i.Kind == WorkItemKind.TableData))
            foreach (var table in TablesOf(data)) decision.TablesToEmpty.Add(table);
        var emptied = decision.TablesToEmpty.Select(t => t.Oid).ToHashSet();
        foreach (var fk in items.OfType<ForeignKeyItem>())
            if (emptied.Contains(fk.Table.Oid) || emptied.Contains(fk.ForeignKey.ReferencedTableOid)) decision.Redo(fk);
        foreach (var batch in items.OfType<SmallTablesItem>().Where(b => b.Redo))
            foreach (var (table, indexes) in batch.Tables)
                decision.IndexesToDrop.AddRange(indexes.Select(i => (table, i)));
        foreach (var build in items.OfType<IndexBuildItem>().Where(b => b.State != WorkItemState.Done))
            decision.IndexesToDrop.Add((build.Table, build.Index));
        return decision;
    }

    static void RedoChanged(IReadOnlyList<WorkItem> items, ResumeDecision decision, HashSet<string> changed, bool largeObjects)
    {
        if (changed.Count == 0 && !largeObjects) return;
        foreach (var item in items)
        {
            var redo = item switch
            {
                TableCopyItem t => changed.Contains(t.Table.DisplayName),
                SmallTablesItem b => b.Tables.Any(t => changed.Contains(t.Table.DisplayName)),
                AnalyzeItem a => changed.Contains(a.DisplayName),
                LargeObjectCopyItem => largeObjects,
                // Materialized views are refreshed by post-data from the tables they read.
                SchemaRestoreItem { Kind: WorkItemKind.PostData } => changed.Count > 0,
                _ => false,
            };
            if (redo && item.State == WorkItemState.Done) decision.Redo(item);
        }
    }

    /// <summary>
    /// Slices cannot be emptied one by one (ctid ranges differ between source and target): when one slice must be
    /// redone, the table is emptied and every slice runs again.
    /// </summary>
    static void RedoSplitTables(IReadOnlyList<WorkItem> items, ResumeDecision decision)
    {
        var slices = items.OfType<TableCopyItem>().GroupBy(t => t.Table.Oid).Where(g => g.Count() > 1);
        foreach (var table in slices.Where(g => g.Any(s => s.Redo)))
            foreach (var slice in table) decision.Redo(slice);
    }

    /// <summary>The tables a data item loads.</summary>
    /// <param name="item">A table copy, slice or batch.</param>
    public static IEnumerable<TableInfo> TablesOf(WorkItem item) => item switch
    {
        TableCopyItem t => [t.Table],
        SmallTablesItem b => b.Tables.Select(t => t.Table),
        _ => [],
    };
}
