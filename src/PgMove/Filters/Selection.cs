using PgMove.Catalog;
using PgMove.Errors;
using PgMove.Sql;

namespace PgMove.Filters;

/// <summary>
/// The one answer to "is this moved?", resolved once from the filters against the source catalog and asked by every
/// stage: the catalog reads of copy, the schema dump's arguments, sequences, large objects, verify, sync and check.
/// The rules are pg_dump's: with <c>--table</c>, exactly the matching relations (<c>--schema</c> then has no effect);
/// otherwise the relations of the schemas <c>--schema</c> selects (all when not given) less <c>--exclude-schema</c>;
/// then <c>--exclude-table</c> removes its matches. One departure, asked for: a sequence owned by a table column
/// (serial, identity) follows its table, moved when the table is and not otherwise.
/// </summary>
public sealed class Selection
{
    readonly bool _everything;
    readonly HashSet<uint> _selected;
    readonly HashSet<uint> _noData;
    readonly Dictionary<uint, string> _where;
    readonly Dictionary<(string, string), uint> _names;

    Selection(FilterOptions filters, bool everything, HashSet<uint> selected, HashSet<uint> noData, Dictionary<uint, string> where,
        Dictionary<(string, string), uint> names, IReadOnlyList<RelationInfo> excludedOwnedSequences, int relations)
    {
        (Filters, _everything, _selected, _noData, _where, _names) = (filters, everything, selected, noData, where, names);
        ExcludedOwnedSequences = excludedOwnedSequences;
        Summary = everything ? "" : $"{selected.Count} of {relations} relations selected ({noData.Count} without rows, {where.Count} with --where)";
    }

    /// <summary>No filter: everything moves.</summary>
    public static Selection Everything { get; } = new(new FilterOptions(), true, [], [], [], [], [], 0);

    /// <summary>The filters this selection was resolved from.</summary>
    public FilterOptions Filters { get; }

    /// <summary>True when no filter was given.</summary>
    public bool IsEverything => _everything;

    /// <summary>For people: how much is selected ("" when everything is).</summary>
    public string Summary { get; }

    /// <summary>Owned sequences pg_dump would dump on their own though their table is not moved: excluded from the dump.</summary>
    public IReadOnlyList<RelationInfo> ExcludedOwnedSequences { get; }

    /// <summary>Large objects move only without --schema/--table, as with pg_dump.</summary>
    public bool LargeObjects => !Filters.HasIncludes;

    /// <summary>The relation's definition is moved.</summary>
    /// <param name="oid">A source relation's OID.</param>
    public bool Includes(uint oid) => _everything || _selected.Contains(oid);

    /// <summary>The relation schema.name is moved (for what is read by name, such as sequences).</summary>
    /// <param name="schema">Its schema.</param>
    /// <param name="name">Its name.</param>
    public bool IncludesName(string schema, string name) => _everything || _names.ContainsKey((schema, name));

    /// <summary>The rows of table schema.name move (see <see cref="CopiesRows"/>), and under which --where condition (null: all).</summary>
    /// <param name="schema">Its schema.</param>
    /// <param name="name">Its name.</param>
    public (bool Copied, string? Where) RowsOf(string schema, string name) =>
        _everything ? (true, null) : _names.TryGetValue((schema, name), out var oid) ? (CopiesRows(oid), WhereOf(oid)) : (false, null);

    /// <summary>The selected relations by schema and name (empty when everything is selected).</summary>
    public IEnumerable<(string Schema, string Name)> Names => _names.Keys;

    /// <summary>The table's rows are moved (it is selected and not named by --exclude-table-data).</summary>
    /// <param name="oid">A source table's OID.</param>
    public bool CopiesRows(uint oid) => Includes(oid) && !_noData.Contains(oid);

    /// <summary>The --where condition of the table, or null when all its rows move.</summary>
    /// <param name="oid">A source table's OID.</param>
    public string? WhereOf(uint oid) => _where.GetValueOrDefault(oid);

    /// <summary>What the filters matched on the source, the input of <see cref="Resolve"/>.</summary>
    /// <param name="IncludeSchemas">Schemas --schema matched; null without --schema.</param>
    /// <param name="ExcludeSchemas">Schemas --exclude-schema matched.</param>
    /// <param name="IncludeTables">Relations --table matched; null without --table.</param>
    /// <param name="ExcludeTables">Relations --exclude-table matched.</param>
    /// <param name="ExcludeData">Relations --exclude-table-data matched.</param>
    /// <param name="Where">Each --where: its pattern, the relations it matched and its condition.</param>
    public sealed record Matches(IReadOnlySet<string>? IncludeSchemas, IReadOnlySet<string> ExcludeSchemas, IReadOnlySet<uint>? IncludeTables,
        IReadOnlySet<uint> ExcludeTables, IReadOnlySet<uint> ExcludeData, IReadOnlyList<(NamePattern Pattern, IReadOnlySet<uint> Oids, string Condition)> Where);

    /// <summary>Applies pg_dump's rules (see the class) to what the patterns matched.</summary>
    /// <param name="filters">The options.</param>
    /// <param name="relations">The source's user relations.</param>
    /// <param name="matches">What each pattern matched.</param>
    public static Selection Resolve(FilterOptions filters, IReadOnlyList<RelationInfo> relations, Matches matches)
    {
        if (filters.IsEmpty) return Everything;
        bool schemaSelected(string s) => (matches.IncludeSchemas?.Contains(s) ?? true) && !matches.ExcludeSchemas.Contains(s);
        bool ownRule(RelationInfo r) => (matches.IncludeTables?.Contains(r.Oid) ?? schemaSelected(r.Schema)) && !matches.ExcludeTables.Contains(r.Oid);
        var byOid = relations.ToDictionary(r => r.Oid);
        var selected = new HashSet<uint>();
        var excludedOwned = new List<RelationInfo>();
        foreach (var r in relations)
        {
            var own = ownRule(r);
            var moved = r.OwnerTable != 0 && byOid.TryGetValue(r.OwnerTable, out var owner) ? ownRule(owner) : own;
            if (moved) selected.Add(r.Oid);
            else if (own) excludedOwned.Add(r);
        }
        var noData = matches.ExcludeData.Where(selected.Contains).ToHashSet();
        var where = new Dictionary<uint, string>();
        bool movesRows(uint o) => selected.Contains(o) && !noData.Contains(o);
        foreach (var (pattern, oids, condition) in matches.Where)
        {
            var tables = oids.Where(o => byOid.TryGetValue(o, out var r) && (r.Kind == 'r' && movesRows(o) || r.Kind == 'p')).ToList();
            if (tables.Count != 1)
                throw new PgMoveException(ExitCode.Usage, $"--where {pattern.Text}=…: the table part must match exactly one table whose rows are moved " +
                    $"(a plain table, a partition, or a partitioned table, whose partitions then all take the condition), and it matches " +
                    $"{(tables.Count == 0 ? "none" : string.Join(", ", tables.Select(o => Display(byOid[o]))))}");
            // A partitioned table holds no rows: its leaves, at any depth, take the condition (column names are the same).
            foreach (var leaf in LeavesOf(tables[0], relations).Where(movesRows))
                if (!where.TryAdd(leaf, condition))
                    throw new PgMoveException(ExitCode.Usage, $"--where: {Display(byOid[leaf])} is named by two --where options; combine the conditions with AND");
        }
        var names = selected.ToDictionary(o => (byOid[o].Schema, byOid[o].Name));
        return new Selection(filters, false, selected, noData, where, names, excludedOwned, relations.Count);
    }

    /// <summary><paramref name="table"/> itself when it holds rows, else the leaf partitions under it.</summary>
    static IEnumerable<uint> LeavesOf(uint table, IReadOnlyList<RelationInfo> relations)
    {
        var children = relations.ToLookup(r => r.Parent);
        var pending = new Stack<RelationInfo>(relations.Where(r => r.Oid == table));
        while (pending.TryPop(out var r))
        {
            if (r.Kind == 'r') yield return r.Oid;
            foreach (var child in children[r.Oid]) pending.Push(child);
        }
    }

    /// <summary>
    /// The foreign keys that cross the selection's edge: one of their tables is moved and the other is not, or a moved
    /// table's rows would reference a table moved without rows. Copy refuses these before anything changes.
    /// </summary>
    /// <param name="foreignKeys">Every foreign key on the source: name, table, referenced table.</param>
    /// <param name="relations">The source's relations, for names.</param>
    public IReadOnlyList<string> CrossingForeignKeys(IEnumerable<(string Name, uint Table, uint Referenced)> foreignKeys,
        IReadOnlyList<RelationInfo> relations)
    {
        if (_everything) return [];
        var byOid = relations.ToDictionary(r => r.Oid);
        string name(uint oid) => byOid.TryGetValue(oid, out var r) ? Display(r) : $"oid {oid}";
        var crossing = new List<string>();
        foreach (var (fk, table, referenced) in foreignKeys)
        {
            if (!byOid.ContainsKey(table) && !byOid.ContainsKey(referenced)) continue;
            var why = (Includes(table), Includes(referenced)) switch
            {
                (true, false) => "the referenced table is not moved",
                (false, true) => "the referencing table is not moved",
                (true, true) when CopiesRows(table) && !CopiesRows(referenced) => "the referenced table is moved without its rows (--exclude-table-data)",
                _ => null,
            };
            if (why is not null) crossing.Add($"{fk} on {name(table)} → {name(referenced)}: {why}");
        }
        return crossing;
    }

    static string Display(RelationInfo r) => $"{r.Schema}.{r.Name}";
}
