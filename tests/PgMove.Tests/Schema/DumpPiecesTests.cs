using PgMove.Catalog;
using PgMove.Planning;
using PgMove.Preflight;
using PgMove.Preflight.Checks;
using PgMove.Schema;

namespace PgMove.Tests.Schema;

public sealed class DumpPiecesTests
{
    static DumpTableCatalog.DumpTable Table(uint oid, string name, uint root = 0, params (string, string)[] owned) =>
        new(oid, "s", name, root == 0 ? oid : root, owned);

    [Fact]
    public void Split_keeps_trees_whole_excludes_tables_and_owned_sequences_from_piece_zero_in_few_quoted_patterns()
    {
        var tables = new[]
        {
            Table(1, "a*b", 0, ("s", "a*b_id_seq")), Table(2, "B.c"), Table(3, "parent"), Table(4, "child1", 3), Table(5, "child2", 3),
            Table(6, "x\"y"),
        };
        var pieces = DumpPieces.Split(tables, 2, new HashSet<(uint, uint)> { (1259, 99) });

        Assert.True(pieces.IsSplit);
        Assert.Equal(["--exclude-table=\"s\".(\"a*b\"|\"a*b_id_seq\"|\"B.c\"|\"parent\"|\"child1\"|\"child2\"|\"x\"\"y\")"],
            pieces.Selections[0]);
        Assert.Equal(["--table=\"s\".(\"a*b\"|\"B.c\")"], pieces.Selections[1]);
        Assert.Equal(["--table=\"s\".(\"parent\"|\"child1\"|\"child2\")"], pieces.Selections[2]);
        Assert.Equal(["--table=\"s\".\"x\"\"y\""], pieces.Selections[3]);
        Assert.Equal(3, pieces.LargestPiece);
        Assert.Contains((1259u, 99u), pieces.Deferred);
        Assert.False(DumpPieces.Whole.IsSplit);
        Assert.Equal("/d/schema.dump.2", DumpPieces.FileOf("/d/schema.dump", 2));
    }

    [Fact]
    public void A_schema_of_split_tables_only_is_named_whole_in_piece_zero_and_in_the_piece_holding_all_of_it()
    {
        static DumpTableCatalog.DumpTable In(string schema, uint oid, params (string, string)[] owned) => new(oid, schema, $"t{oid}", oid, owned);
        // "a": two tables and a sequence one owns, nothing else; "b": three tables cut over two pieces; "c": a table beside a view.
        var tables = new[] { In("a", 1, ("a", "t1_id_seq")), In("a", 2), In("b", 3), In("b", 4), In("b", 5), In("c", 6) };
        var relations = new Dictionary<string, int> { ["a"] = 3, ["b"] = 3, ["c"] = 2 };

        var pieces = DumpPieces.Split(tables, 3, new HashSet<(uint, uint)>(), schemaRelations: relations);

        Assert.Equal(["--exclude-table=\"a\".*", "--exclude-table=\"b\".*", "--exclude-table=\"c\".\"t6\""], pieces.Selections[0]);
        Assert.Equal(["--table=\"a\".*", "--table=\"b\".\"t3\""], pieces.Selections[1]);
        Assert.Equal(["--table=\"b\".(\"t4\"|\"t5\")", "--table=\"c\".\"t6\""], pieces.Selections[2]);
    }

    [Fact]
    public void Budget_is_a_quarter_of_the_lock_table_a_piece_half_and_check_names_the_setting_for_a_tree_too_big()
    {
        var budget = new LockBudget(64, 122);
        Assert.Equal(7808, budget.Capacity);
        Assert.Equal(1952, budget.PieceTables);
        Assert.Equal(3904, budget.SplitPieceTables); // the holder locks none when split
        Assert.True(budget.FitsAtOnce(1952));
        Assert.False(budget.FitsAtOnce(1953));
        Assert.Equal(Verdict.Ok, LockCheck.Judge(budget, DumpPieces.Whole).Verdict);

        var small = new LockBudget(10, 10); // 100 entries: all at once up to 25, pieces of 50
        var family = Enumerable.Range(1, 60).Select(i => Table((uint)i, $"p{i}", 1)).ToList();
        var tree = LockCheck.Judge(small, DumpPieces.Split(family, small.SplitPieceTables, new HashSet<(uint, uint)>()));
        Assert.Equal(Verdict.Warn, tree.Verdict);
        Assert.Contains("max_locks_per_transaction 10 × 10 slots = 100 lock entries", tree.Evidence);
        Assert.Contains("tree of 60 tables", tree.Evidence);
        Assert.Contains("max_locks_per_transaction on the source to 12", tree.Fix);
        var many = Enumerable.Range(1, 200).Select(i => Table((uint)i, $"t{i}")).ToList();
        var split = LockCheck.Judge(small, DumpPieces.Split(many, small.SplitPieceTables, new HashSet<(uint, uint)>()));
        Assert.Equal(Verdict.Ok, split.Verdict);
        Assert.Contains("dumped in 5 pieces of at most 50 tables", split.Evidence);
        var huge = Enumerable.Range(1, 150).Select(i => Table((uint)i, $"h{i}", 1)).ToList();
        Assert.Equal(Verdict.Fail, LockCheck.Judge(small, DumpPieces.Split(huge, small.SplitPieceTables, new HashSet<(uint, uint)>())).Verdict);
    }
}
