using Npgsql;
using PgMove.Catalog;
using PgMove.Filters;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Schema;

/// <summary>
/// How the schema dump is cut so that no pg_dump locks more tables than the lock budget allows (pg_dump LOCKs every
/// plain and partitioned table it dumps, until it ends, and has no option not to). Piece 0 is everything but those
/// tables (--exclude-table of each, and of the sequences they own, which follow their table); each further piece is a
/// group of tables (-t), an inheritance or partition tree never cut apart. The names go in a few exact patterns per
/// schema (<see cref="ExactPatterns"/>): pg_dump runs one catalog query per pattern. Without a split, one piece with
/// no selection: the single dump of before.
/// </summary>
public sealed class DumpPieces
{
    DumpPieces(IReadOnlyList<IReadOnlyList<string>> selections, IReadOnlyList<int> tables, IReadOnlySet<(uint Catalog, uint Oid)> deferred,
        IReadOnlyDictionary<uint, int> pieceOfTable)
    {
        Selections = selections;
        PieceOfTable = pieceOfTable;
        _tables = tables;
        Deferred = deferred;
    }

    /// <summary>What no piece has and the whole dump would (extended statistics, publication memberships).</summary>
    public SplitTableExtras Extras { get; private set; } = SplitTableExtras.None;

    Selection _selection = Selection.Everything;

    readonly IReadOnlyList<int> _tables;

    /// <summary>Each piece's pg_dump selection arguments; piece 0 holds everything but the split tables.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Selections { get; }

    /// <summary>
    /// Entries of piece 0 that depend on a table of another piece (DumpTableCatalog.ReadDependentsAsync): restored after
    /// the tables' pieces.
    /// </summary>
    public IReadOnlySet<(uint Catalog, uint Oid)> Deferred { get; private set; }

    /// <summary>The piece (1 and up) that dumps each table, by OID; empty when the dump is not cut.</summary>
    public IReadOnlyDictionary<uint, int> PieceOfTable { get; }

    /// <summary>Whether the dump is cut at all.</summary>
    public bool IsSplit => Selections.Count > 1;

    /// <summary>One piece, no selection: pg_dump of the whole schema.</summary>
    public static DumpPieces Whole { get; } = new([[]], [0], new HashSet<(uint, uint)>(), new Dictionary<uint, int>());

    /// <summary>
    /// Cuts <paramref name="tables"/> into groups of at most <paramref name="pieceTables"/> (a tree bigger than that
    /// stays whole, in a piece of its own).
    /// </summary>
    /// <param name="tables">The tables pg_dump would lock.</param>
    /// <param name="pieceTables">The most tables one piece may lock.</param>
    /// <param name="deferred">What depends on those tables (see <see cref="Deferred"/>).</param>
    /// <param name="extras">What the pieces lose (see <see cref="Extras"/>); none by default.</param>
    /// <param name="schemaRelations">
    /// Per schema, the relations a pattern can match there (DumpTableCatalog.ReadSchemaRelationsAsync): a schema whose
    /// every one a selection names is named <c>"schema".*</c>; null: names only.
    /// </param>
    public static DumpPieces Split(IReadOnlyList<DumpTableCatalog.DumpTable> tables, int pieceTables,
        IReadOnlySet<(uint Catalog, uint Oid)> deferred, SplitTableExtras? extras = null, IReadOnlyDictionary<string, int>? schemaRelations = null)
    {
        // A table's owned sequences follow it (pg_dump dumps them with it): with them, a schema may be covered whole.
        static IEnumerable<(string Schema, string Name)> WithSequences(IEnumerable<DumpTableCatalog.DumpTable> group) =>
            group.SelectMany(t => t.OwnedSequences.Prepend((t.Schema, t.Name)));
        IReadOnlySet<string>? WholeOf(IEnumerable<DumpTableCatalog.DumpTable> group) =>
            schemaRelations is null ? null : ExactPatterns.WholeSchemas(WithSequences(group), schemaRelations);
        var selections = new List<IReadOnlyList<string>>
        {
            ExactPatterns.Of(WithSequences(tables), wholeSchemas: WholeOf(tables)).Select(p => "--exclude-table=" + p).ToList(),
        };
        var counts = new List<int> { 0 };
        var pieceOf = new Dictionary<uint, int>();
        var current = new List<DumpTableCatalog.DumpTable>();
        void Close()
        {
            counts.Add(current.Count);
            foreach (var t in current) pieceOf[t.Oid] = selections.Count;
            selections.Add(ExactPatterns.Of(current.Select(t => (t.Schema, t.Name)), wholeSchemas: WholeOf(current)).Select(p => "--table=" + p).ToList());
            current = [];
        }
        foreach (var family in tables.GroupBy(t => t.Root))
        {
            var members = family.ToList();
            if (current.Count > 0 && current.Count + members.Count > pieceTables) Close();
            current.AddRange(members);
        }
        if (current.Count > 0) Close();
        return new DumpPieces(selections, counts, deferred, pieceOf) { Extras = extras ?? SplitTableExtras.None };
    }

    /// <summary>
    /// The pieces the dump of the source's schema needs under <paramref name="budget"/>: the whole schema at once when
    /// its tables fit, groups of tables otherwise; with what depends on the tables (<see cref="ReadDependentsAsync"/>).
    /// </summary>
    /// <param name="connection">A source session inside the copy's snapshot.</param>
    /// <param name="budget">The source's lock budget.</param>
    /// <param name="ct">Cancels the catalog reads.</param>
    /// <param name="selection">What the filters move; null: everything.</param>
    public static async Task<DumpPieces> PlanAsync(NpgsqlConnection connection, LockBudget budget, CancellationToken ct,
        Selection? selection = null)
    {
        var pieces = await PlanTablesAsync(connection, budget, ct, selection);
        await pieces.ReadDependentsAsync(connection, ct);
        return pieces;
    }

    /// <summary>
    /// The pieces' selections alone, which is all the dump needs: <see cref="Deferred"/> and <see cref="Extras"/>,
    /// which only the restore needs, are read by <see cref="ReadDependentsAsync"/> (the dump can start before).
    /// </summary>
    /// <param name="connection">A source session inside the copy's snapshot.</param>
    /// <param name="budget">The source's lock budget.</param>
    /// <param name="ct">Cancels the catalog read.</param>
    /// <param name="selection">What the filters move; null: everything.</param>
    public static async Task<DumpPieces> PlanTablesAsync(NpgsqlConnection connection, LockBudget budget, CancellationToken ct,
        Selection? selection = null)
    {
        selection ??= Selection.Everything;
        var tables = (await DumpTableCatalog.ReadAsync(connection, ct)).Where(t => selection.Includes(t.Oid)).ToList();
        if (budget.FitsAtOnce(tables.Count)) return Whole;
        var pieces = Split(tables, budget.SplitPieceTables, new HashSet<(uint, uint)>(),
            schemaRelations: await DumpTableCatalog.ReadSchemaRelationsAsync(connection, ct));
        pieces._selection = selection;
        return pieces;
    }

    /// <summary>
    /// Reads what depends on the split tables (<see cref="Deferred"/>) and what the pieces lose (<see cref="Extras"/>),
    /// in the same snapshot as the pieces were planned in; nothing for a dump that is not cut. Call it before the
    /// restore, not during it.
    /// </summary>
    /// <param name="connection">A source session inside the copy's snapshot (the planning one, or one importing it).</param>
    /// <param name="ct">Cancels the catalog reads.</param>
    public async Task ReadDependentsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (!IsSplit) return;
        var oids = PieceOfTable.Keys.ToList();
        Deferred = await DumpTableCatalog.ReadDependentsAsync(connection, oids, ct);
        Extras = await SplitTableExtras.ReadAsync(connection, oids, _selection.Filters, ct);
    }

    /// <summary>
    /// The pieces of a dump made earlier (an archive's manifest keeps them): the same selections, dependents, pieces
    /// of tables and extras.
    /// </summary>
    /// <param name="selections">Each piece's pg_dump selection arguments, piece 0 first.</param>
    /// <param name="deferred">See <see cref="Deferred"/>.</param>
    /// <param name="pieceOfTable">See <see cref="PieceOfTable"/>.</param>
    /// <param name="extras">See <see cref="Extras"/>.</param>
    public static DumpPieces Of(IReadOnlyList<IReadOnlyList<string>> selections, IReadOnlySet<(uint Catalog, uint Oid)> deferred,
        IReadOnlyDictionary<uint, int> pieceOfTable, SplitTableExtras extras) =>
        new(selections, Enumerable.Range(0, selections.Count).Select(i => pieceOfTable.Values.Count(p => p == i)).ToList(), deferred,
            pieceOfTable) { Extras = extras };

    /// <summary>What a run in pieces says about them, for the log.</summary>
    /// <param name="budget">The source's lock budget.</param>
    public string Describe(LockBudget budget) =>
        $"source lock table: {budget}; the schema is dumped in {Selections.Count} pieces of at most {LargestPiece} tables, " +
        "and each data session locks only its own tables";

    /// <summary>The largest number of tables one piece locks, for check's messages.</summary>
    public int LargestPiece => _tables.Max();

    /// <summary>The archive file of piece <paramref name="index"/>: the main path, then path.1, path.2…</summary>
    /// <param name="path">The main archive's path.</param>
    /// <param name="index">The piece.</param>
    public static string FileOf(string path, int index) => index == 0 ? path : $"{path}.{index}";
}
