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
/// in (not when the last table is), its keys are attached once its indexes exist, the table is analyzed after that,
/// and a foreign key waits for both of its tables to be indexed and analyzed. Small tables go in batches that do all of that
/// in one transaction; big tables may be split into slices. What pgmove does not build itself (partitioned indexes,
/// triggers, rules, policies, comments…) is restored by pg_restore after all of that.
/// </summary>
public static class CopyPlan
{
    /// <summary>Tables under this size are copied, indexed and analyzed in batches.</summary>
    public const long SmallTableBytes = 1024 * 1024;
    const int BatchTables = 100;
    // Every item costs a session and round trips: about what moving this many bytes costs.
    const long ItemOverhead = 256 * 1024;

    /// <summary>What the copy moves, as read from the source inside the snapshot.</summary>
    /// <param name="Slices">For split tables: the condition of each slice.</param>
    /// <param name="RestoreNeedsBuiltKeys">
    /// The rest of post-data refers to an index or key pgmove builds (see IndexCatalog.IsReferencedByRestoreAsync);
    /// when it does not, it starts once the rows are in, beside the last index builds.
    /// </param>
    /// <param name="Tables">The tables whose rows are copied.</param>
    /// <param name="LargeObjects">The number of large objects on the source.</param>
    /// <param name="Analyzable">Tables that get an ANALYZE of their own, with their size.</param>
    /// <param name="Indexes">The indexes pgmove builds itself.</param>
    /// <param name="ForeignKeys">The foreign keys pgmove adds itself.</param>
    /// <param name="Jobs">Parallel sessions (--jobs).</param>
    /// <param name="Selection">What the filters select: the sequences set are those it moves.</param>
    /// <param name="Hooks">SQL files run on the target after pre-data and at the end.</param>
    public sealed record Input(
        IReadOnlyList<TableInfo> Tables,
        long LargeObjects,
        IReadOnlyList<(string Schema, string Name, long Bytes)> Analyzable,
        IReadOnlyList<IndexInfo> Indexes,
        IReadOnlyList<ConstraintInfo> ForeignKeys,
        IReadOnlyDictionary<uint, IReadOnlyList<string>> Slices,
        int Jobs,
        bool RestoreNeedsBuiltKeys = true,
        Filters.Selection? Selection = null,
        Hooks.HookOptions? Hooks = null)
    {
        /// <summary>
        /// The schema dump's piece of each table (DumpPieces.PieceOfTable); empty when it is not cut. Cut, and with no
        /// --after-pre-data hook, each table's rows load as soon as its piece's pre-data is restored.
        /// </summary>
        public IReadOnlyDictionary<uint, int> PieceOfTable { get; init; } = new Dictionary<uint, int>();

        /// <summary>
        /// pgmove creates the large objects itself, with their owners, in batches (it reads them from a source), instead
        /// of pg_restore's pre-data, one statement and one commit per object and per owner; their comments and
        /// privileges follow them (LargeObjectExtrasItem). A restore from files leaves them to the schema.
        /// </summary>
        public bool CreatesLargeObjects { get; init; }
    }

    public static IReadOnlyList<WorkItem> Build(Input input)
    {
        var dump = new SchemaDumpItem();
        // In pieces (and without a hook that must see all tables empty), pre-data restores in two items: the tables,
        // each piece's rows loading as soon as its tables exist (PreDataPieceGate), then after the rows the rest (views and
        // what else depends on the tables), which nothing loading rows needs.
        var inPieces = input.PieceOfTable.Count > 0 && input.Hooks?.AfterPreData is null;
        var ownLargeObjects = input.CreatesLargeObjects && input.LargeObjects > 0;
        // In pieces, the tables' restore waits for each piece's dump, not for the whole dump (SchemaArchive.RestoreAsync).
        var preData = new SchemaRestoreItem("pre-data", part: inPieces ? PreDataPart.Tables : PreDataPart.All, leaveOutLargeObjects: ownLargeObjects);
        if (!inPieces) preData.After(dump);
        var rest = inPieces ? new SchemaRestoreItem("pre-data", part: PreDataPart.Rest, leaveOutLargeObjects: ownLargeObjects).After(preData) : null;
        // What needs the pre-data schema waits for the --after-pre-data hook too: the hook sees the tables empty.
        var preDataHook = input.Hooks?.AfterPreData is { } before ? new Hooks.HookItem("after-pre-data", before).After(preData) : null;
        var schemaReady = preDataHook ?? rest ?? preData;
        // A batch of small tables waits for its own tables (restored in runs, SchemaArchive); any other item for its
        // whole piece (see PreDataTablesGate). Neither waits for the whole dump: the restore waits for each piece's.
        var gates = new List<WorkItem>();
        var pieceGates = new Dictionary<int, WorkItem>();
        WorkItem TablesReady(IReadOnlyList<uint> oids, int batch)
        {
            if (!inPieces) return schemaReady;
            if (!oids.All(input.PieceOfTable.ContainsKey)) return preData;
            var piece = input.PieceOfTable[oids[0]];
            if (batch == 0 && pieceGates.TryGetValue(piece, out var known)) return known;
            WorkItem gate = batch > 0 ? new PreDataTablesGate(batch, oids, preData) : pieceGates[piece] = new PreDataPieceGate(piece, preData);
            gates.Add(gate);
            return gate;
        }
        var indexes = input.Indexes.GroupBy(i => i.TableOid).ToDictionary(g => g.Key, g => (IReadOnlyList<IndexInfo>)g.ToList());
        var tables = input.Tables.ToDictionary(t => t.Oid);
        var (dataByTable, batched) = DataItems(input, indexes, TablesReady);
        var data = dataByTable.Values.SelectMany(d => d).Distinct().ToList();
        rest?.After(data);
        if (input.LargeObjects > 0)
        {
            var parts = (int)Math.Clamp((input.LargeObjects + LargeObjectCopyItem.ObjectsPerItem - 1) / LargeObjectCopyItem.ObjectsPerItem, 1, Math.Max(1, input.Jobs));
            var objects = Enumerable.Range(0, parts)
                .Select(p => new LargeObjectCopyItem(p, parts, input.LargeObjects / parts * 2048, setOwners: ownLargeObjects).After(schemaReady)).ToList();
            data.AddRange(objects);
            if (ownLargeObjects) data.Add(new LargeObjectExtrasItem().After(objects));
        }
        var sequences = new SequenceSetItem(input.Selection).After(schemaReady);
        var release = new SnapshotReleaseItem().After(data).After(sequences);

        // Per table: its rows, then its indexes and keys, then ANALYZE (after the indexes, whose expressions it
        // samples too). A foreign key waits for the keys of both of its tables and for their statistics: without
        // them the planner validated ticket → accounts (200k → 10M rows) with a 2.3 s join instead of 1.1 s of index
        // probes. That order also keeps ANALYZE and VALIDATE, which both take SHARE UPDATE EXCLUSIVE, apart.
        var keys = input.Tables.ToDictionary(t => t.Oid, t => new List<WorkItem>(dataByTable[t.Oid]));
        foreach (var (oid, tableIndexes) in indexes.Where(i => !batched.Contains(i.Key)))
            keys[oid].AddRange(IndexItems(tables[oid], tableIndexes, dataByTable[oid]));
        var built = keys.Values.SelectMany(s => s).Except(data).ToList();
        // The rest of post-data refreshes materialized views (which read their base tables) and builds partitioned
        // indexes: priced at a share of the data so that what it waits for (every table's rows) goes before index
        // builds nothing waits for. Priced at zero, the small-table batches ran last and it started after them, alone.
        var postData = new SchemaRestoreItem("post-data", SkippedEntries(input), input.Tables.Sum(t => t.Bytes) / 12).After(data).After(schemaReady);
        var (analyze, analyzeOf) = AnalyzeItems(input, batched, keys, postData);
        foreach (var fk in input.ForeignKeys)
        {
            var (child, parent) = (tables[fk.TableOid], tables[fk.ReferencedTableOid]);
            var item = new ForeignKeyItem(fk, child, parent.Bytes, (child.Bytes + parent.Bytes) / 8 + ItemOverhead)
                .After(keys[fk.TableOid]).After(keys[fk.ReferencedTableOid]);
            foreach (var side in new[] { child.Oid, parent.Oid })
                if (analyzeOf.TryGetValue(side, out var statistics)) item.After(statistics);
            built.Add(item);
        }
        if (input.RestoreNeedsBuiltKeys) postData.After(built);
        List<WorkItem> plan = [dump, preData, .. gates,
            .. preDataHook is null ? [] : new[] { preDataHook }, .. data, .. rest is null ? [] : new[] { rest },
            sequences, release, .. built, postData, .. analyze];
        // --after-copy runs last: after ANALYZE too, so that it sees the target as the copy leaves it (verify follows it).
        if (input.Hooks?.AfterCopy is { } after) plan.Add(new Hooks.HookItem("after-copy", after).After(plan.ToList()));
        return plan;
    }

    /// <summary>
    /// ANALYZE of each relation not analyzed inside its batch: a table's after its keys (returned by table, for the
    /// foreign keys to wait on), a parent's or a partition's after post-data (its statistics cover its children; a
    /// partition's indexes are attached by pg_restore).
    /// </summary>
    static (List<WorkItem> Items, Dictionary<uint, WorkItem> ByTable) AnalyzeItems(Input input, HashSet<uint> batched,
        Dictionary<uint, List<WorkItem>> keys, WorkItem postData)
    {
        var byName = input.Tables.ToDictionary(t => (t.Schema, t.Name));
        var analyze = new List<WorkItem>();
        var analyzeOf = new Dictionary<uint, WorkItem>();
        foreach (var a in input.Analyzable)
        {
            var known = byName.TryGetValue((a.Schema, a.Name), out var t);
            if (known && batched.Contains(t!.Oid)) continue; // analyzed inside its batch
            var item = new AnalyzeItem(Quote.Qualified(a.Schema, a.Name), $"{a.Schema}.{a.Name}", a.Bytes / 10 + ItemOverhead);
            if (known && !t!.InInheritance) analyzeOf[t.Oid] = item.After(keys[t.Oid]);
            else item.After(postData);
            analyze.Add(item);
        }
        return (analyze, analyzeOf);
    }

    /// <summary>Each table's data items: its own copy, its slices, or the batch it shares with other small tables.</summary>
    /// <param name="input">What the copy moves.</param>
    /// <param name="indexes">The indexes pgmove builds, by table.</param>
    /// <param name="tablesReady">What an item of these tables waits for before it loads rows; a batch passes its number.</param>
    static (Dictionary<uint, List<WorkItem>> ByTable, HashSet<uint> Batched) DataItems(
        Input input, Dictionary<uint, IReadOnlyList<IndexInfo>> indexes, Func<IReadOnlyList<uint>, int, WorkItem> tablesReady)
    {
        var byTable = new Dictionary<uint, List<WorkItem>>();
        var small = input.Tables.Where(t => t.Bytes < SmallTableBytes && !t.InInheritance && !input.Slices.ContainsKey(t.Oid)).ToList();
        // Batches never mix tables of two dump pieces, and hold tables next to each other in the order pg_dump lists
        // them (schema, then name), so that each batch waits only for the first runs of its piece's restore.
        var groups = small.GroupBy(t => input.PieceOfTable.GetValueOrDefault(t.Oid)).ToList();
        var number = 0;
        foreach (var group in groups)
        {
            var members = group.OrderBy(t => t.Schema, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
            var batchCount = Math.Max(groups.Count == 1 ? Math.Min(input.Jobs, members.Count) : 1,
                (members.Count + BatchTables - 1) / BatchTables);
            for (var b = 0; b < batchCount; b++)
            {
                var (from, to) = (members.Count * b / batchCount, members.Count * (b + 1) / batchCount);
                var batchTables = members.Take(from..to).Select(t => (t, indexes.GetValueOrDefault(t.Oid) ?? [])).ToList();
                var cost = batchTables.Sum(m => m.t.Bytes * 2) + batchTables.Count * ItemOverhead;
                var batch = new SmallTablesItem(++number, batchTables, cost);
                batch.After(tablesReady(batchTables.Select(m => m.t.Oid).ToList(), number));
                foreach (var (t, _) in batchTables) byTable[t.Oid] = [batch];
            }
        }
        foreach (var t in input.Tables.Where(t => !byTable.ContainsKey(t.Oid)))
        {
            var ready = tablesReady([t.Oid], 0);
            byTable[t.Oid] = input.Slices.TryGetValue(t.Oid, out var slices)
                ? slices.Select((slice, i) => new TableCopyItem(t, i, slices.Count, slice).After(ready)).ToList()
                : [new TableCopyItem(t).After(ready)];
        }
        return (byTable, small.Select(t => t.Oid).ToHashSet());
    }

    static IEnumerable<WorkItem> IndexItems(TableInfo table, IReadOnlyList<IndexInfo> indexes, List<WorkItem> data)
    {
        var builds = indexes.Select(i => new IndexBuildItem(i, table, table.Bytes / 3 + ItemOverhead).After(data)).ToList();
        foreach (var b in builds) yield return b;
        if (IndexStatements.Keys(table, indexes).Count > 0)
            yield return new TableKeysItem(table, indexes).After(builds);
    }

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
