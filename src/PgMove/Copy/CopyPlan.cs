using PgMove.Analyze;
using PgMove.Catalog;
using PgMove.Data;
using PgMove.Indexes;
using PgMove.Planning;
using PgMove.Schema;
using PgMove.Sequences;
using PgMove.Sql;

namespace PgMove.Copy;

/// <summary>
/// The items of an offline copy and what each waits for. A plain table's indexes start as soon as its own rows are
/// in (not when the last table is), its keys are attached once its indexes exist, a foreign key waits for both of its
/// tables, and the table is analyzed once nothing else will lock it. What pgmove does not build itself (partitioned
/// indexes, triggers, rules, policies, comments…) is restored by pg_restore after all of that.
/// Priorities put the longest chain first: a table's copy counts its index builds.
/// </summary>
public static class CopyPlan
{
    /// <summary>What the copy moves, as read from the source inside the snapshot.</summary>
    public sealed record Input(
        IReadOnlyList<TableInfo> Tables,
        long LargeObjects,
        IReadOnlyList<(string Schema, string Name, long Bytes)> Analyzable,
        IReadOnlyList<IndexInfo> Indexes,
        IReadOnlyList<ConstraintInfo> ForeignKeys);

    public static IReadOnlyList<WorkItem> Build(Input input)
    {
        var dump = new SchemaDumpItem();
        var preData = new SchemaRestoreItem("pre-data").After(dump);
        var indexesByTable = input.Indexes.GroupBy(i => i.TableOid).ToDictionary(g => g.Key, g => g.ToList());
        var tablesByOid = input.Tables.ToDictionary(t => t.Oid);

        var dataByTable = input.Tables.ToDictionary(t => t.Oid, t =>
            new TableCopyItem(t, t.Bytes + (indexesByTable.ContainsKey(t.Oid) ? t.Bytes / 2 : 0)).After(preData));
        var data = new List<WorkItem>(dataByTable.Values);
        if (input.LargeObjects > 0) data.Add(new LargeObjectCopyItem().After(preData));
        var sequences = new SequenceSetItem().After(preData);
        var release = new SnapshotReleaseItem().After(data).After(sequences);

        var structure = input.Tables.ToDictionary(t => t.Oid, _ => new List<WorkItem>());
        foreach (var (oid, indexes) in indexesByTable)
            structure[oid].AddRange(IndexItems(tablesByOid[oid], indexes, dataByTable[oid]));
        var foreignKeys = input.ForeignKeys.Select(fk => new ForeignKeyItem(fk, tablesByOid[fk.TableOid], tablesByOid[fk.TableOid].Bytes / 2)
            .After(dataByTable[fk.TableOid]).After(structure[fk.TableOid]).After(structure[fk.ReferencedTableOid])).ToList();
        foreach (var (fk, item) in input.ForeignKeys.Zip(foreignKeys))
        {
            structure[fk.TableOid].Add(item);
            if (fk.ReferencedTableOid != fk.TableOid) structure[fk.ReferencedTableOid].Add(item);
        }

        var built = structure.Values.SelectMany(s => s).Distinct().ToList();
        var postData = new SchemaRestoreItem("post-data", SkippedEntries(input)).After(data).After(built);
        var byName = input.Tables.ToDictionary(t => (t.Schema, t.Name));
        var analyze = input.Analyzable.Select(a =>
        {
            var item = new AnalyzeItem(Quote.Qualified(a.Schema, a.Name), $"{a.Schema}.{a.Name}", a.Bytes / 4);
            return byName.TryGetValue((a.Schema, a.Name), out var t) && !IsLeftToRestore(t, input)
                ? item.After(dataByTable[t.Oid]).After(structure[t.Oid])
                : item.After(postData);
        }).ToList();
        return [dump, preData, .. data, sequences, release, .. built, postData, .. analyze];
    }

    static IEnumerable<WorkItem> IndexItems(TableInfo table, List<IndexInfo> indexes, WorkItem data)
    {
        var builds = indexes.Select(i => new IndexBuildItem(i, table, table.Bytes / 2).After(data)).ToList();
        foreach (var b in builds) yield return b;
        if (TableKeysItem.StatementsFor(table, indexes).Count > 0)
            yield return new TableKeysItem(table, indexes, table.Bytes / 2).After(builds);
    }

    // A partition's or partitioned table's statistics come after pg_restore attached their indexes.
    static bool IsLeftToRestore(TableInfo table, Input input) => table.IsPartition;

    static HashSet<(uint, uint)> SkippedEntries(Input input)
    {
        const uint pgClass = 1259, pgConstraint = 2606;
        var skip = new HashSet<(uint, uint)>();
        foreach (var index in input.Indexes)
        {
            skip.Add((pgClass, index.IndexOid));
            if (index.Constraint is { } c) skip.Add((pgConstraint, c.Oid));
        }
        foreach (var fk in input.ForeignKeys) skip.Add((pgConstraint, fk.Oid));
        return skip;
    }
}
