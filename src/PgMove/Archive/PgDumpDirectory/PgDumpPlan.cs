using PgMove.Catalog;
using PgMove.Copy;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>
/// The copy's plan input for a pg_dump archive: the tables pgmove loads itself (those whose TABLE DATA entry loads
/// them by name; a --load-via-partition-root entry is left to pg_restore), with the columns of the entry's COPY
/// statement, and the indexes and keys pgmove builds, each with the OID of its archive entry. An object the archive
/// has no entry for is left to pg_restore as a whole.
/// </summary>
public static class PgDumpPlan
{
    /// <summary>The plan input, each loaded table's TABLE DATA entry by table OID, and those entries' catalog IDs.</summary>
    /// <param name="Input">What CopyPlan.Build plans from.</param>
    /// <param name="Data">Each loaded table's TABLE DATA entry, by the table's OID in the archive.</param>
    /// <param name="LoadedEntries">The (catalog OID, OID) of the data entries pgmove loads: pg_restore leaves them out.</param>
    public sealed record Result(CopyPlan.Input Input, IReadOnlyDictionary<uint, TocEntry> Data, IReadOnlySet<(uint, uint)> LoadedEntries);

    /// <summary>Joins the archive's entries with what the scratch database showed, by schema and name.</summary>
    /// <param name="toc">The archive's table of contents.</param>
    /// <param name="tables">The tables the scratch database holds (OIDs of the scratch database).</param>
    /// <param name="indexes">Its indexes pgmove would build.</param>
    /// <param name="foreignKeys">Its foreign keys pgmove would add.</param>
    /// <param name="analyzable">Its tables that get an ANALYZE.</param>
    /// <param name="restoreNeedsBuiltKeys">Whether the rest of post-data refers to what pgmove builds.</param>
    /// <param name="bytesOf">What a TABLE DATA entry's rows weigh (an estimate from its file).</param>
    /// <param name="jobs">Parallel sessions.</param>
    public static Result Build(PgDumpToc toc, IReadOnlyList<TableInfo> tables, IReadOnlyList<IndexInfo> indexes,
        IReadOnlyList<ConstraintInfo> foreignKeys, IReadOnlyList<(string Schema, string Name, long Bytes)> analyzable,
        bool restoreNeedsBuiltKeys, Func<TocEntry, long> bytesOf, int jobs)
    {
        var tocTables = Index(toc, "TABLE");
        var data = new Dictionary<(string, string), (TocEntry Entry, CopyStatement Copy)>();
        foreach (var entry in toc.OfType("TABLE DATA").Where(e => e.CopyStatement is not null))
        {
            var copy = CopyStatement.Parse(entry.CopyStatement!, $"{entry.DumpId} (TABLE DATA {entry.Namespace}.{entry.Tag})");
            if (copy.Schema == entry.Namespace && copy.Table == entry.Tag) data[(copy.Schema, copy.Table)] = (entry, copy);
        }
        var mapped = new Dictionary<uint, TableInfo>(); // scratch OID → table with the archive's OID
        var byOid = new Dictionary<uint, TocEntry>();
        foreach (var t in tables)
        {
            if (!data.TryGetValue((t.Schema, t.Name), out var d) || !tocTables.TryGetValue((t.Schema, t.Name), out var oid)) continue;
            mapped[t.Oid] = t with { Oid = oid, Columns = d.Copy.Columns, Bytes = bytesOf(d.Entry), EstimatedRows = 0, BinarySafe = false, SplitKey = null, Pages = 0 };
            byOid[oid] = d.Entry;
        }
        var (builtIndexes, indexOids) = MapIndexes(toc, indexes, mapped);
        var constraints = Index(toc, "FK CONSTRAINT");
        var builtKeys = new List<ConstraintInfo>();
        foreach (var fk in foreignKeys)
        {
            if (!mapped.TryGetValue(fk.TableOid, out var child) || !mapped.TryGetValue(fk.ReferencedTableOid, out var parent)
                || !constraints.TryGetValue((child.Schema, $"{child.Name} {fk.Name}"), out var oid)
                || !indexOids.TryGetValue(fk.ReferencedIndexOid, out var referencedIndex)) continue;
            builtKeys.Add(fk with { Oid = oid, TableOid = child.Oid, ReferencedTableOid = parent.Oid, ReferencedIndexOid = referencedIndex });
        }
        var sizes = mapped.Values.ToDictionary(t => (t.Schema, t.Name), t => t.Bytes);
        var analyze = analyzable.Select(a => (a.Schema, a.Name, sizes.GetValueOrDefault((a.Schema, a.Name)))).ToList();
        var loadedTables = mapped.Values.OrderByDescending(t => t.Bytes).ToList();
        var input = new CopyPlan.Input(loadedTables, 0, analyze, builtIndexes, builtKeys, new Dictionary<uint, IReadOnlyList<string>>(),
            jobs, restoreNeedsBuiltKeys);
        return new Result(input, byOid, byOid.Values.Select(e => (e.CatalogOid, e.Oid)).ToHashSet());
    }

    /// <summary>
    /// The indexes of loaded tables that have an archive entry: an INDEX entry, or the CONSTRAINT entry of the key they
    /// back (whose index has no entry of its own and keeps OID 0). Returns them, and the scratch → archive index OIDs.
    /// </summary>
    static (List<IndexInfo> Indexes, Dictionary<uint, uint> Oids) MapIndexes(PgDumpToc toc, IReadOnlyList<IndexInfo> indexes,
        Dictionary<uint, TableInfo> tables)
    {
        var tocIndexes = Index(toc, "INDEX");
        var tocConstraints = Index(toc, "CONSTRAINT");
        var result = new List<IndexInfo>();
        var oids = new Dictionary<uint, uint>();
        foreach (var index in indexes)
        {
            if (!tables.TryGetValue(index.TableOid, out var table)) continue;
            var bytes = Math.Max(index.Bytes, table.Bytes / 4);
            if (index.Constraint is { } c)
            {
                if (!tocConstraints.TryGetValue((table.Schema, $"{table.Name} {c.Name}"), out var constraintOid)) continue;
                result.Add(index with { TableOid = table.Oid, IndexOid = 0, Bytes = bytes, Constraint = c with { Oid = constraintOid, TableOid = table.Oid } });
                // A foreign key names the index it relies on; the key's entry stands for the index here.
                oids[index.IndexOid] = 0;
            }
            else if (tocIndexes.TryGetValue((table.Schema, index.Name), out var indexOid))
            {
                result.Add(index with { TableOid = table.Oid, IndexOid = indexOid, Bytes = bytes });
                oids[index.IndexOid] = indexOid;
            }
        }
        return (result, oids);
    }

    static Dictionary<(string, string), uint> Index(PgDumpToc toc, string desc)
    {
        var result = new Dictionary<(string, string), uint>();
        foreach (var e in toc.OfType(desc)) result[(e.Namespace ?? "", e.Tag)] = e.Oid;
        return result;
    }
}
