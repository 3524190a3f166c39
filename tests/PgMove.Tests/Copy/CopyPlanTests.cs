using PgMove.Copy;
using PgMove.Planning;

namespace PgMove.Tests.Copy;

/// <summary>Pure plan shape (no server).</summary>
public sealed class CopyPlanTests
{
    [Fact]
    public void Post_data_of_a_database_without_tables_waits_for_the_schema_dump_and_pre_data()
    {
        // Found by copy --all-databases: the empty "postgres" database's post-data restore started while its
        // schema dump was still being written ("input file is too short").
        var items = CopyPlan.Build(new CopyPlan.Input([], 0, [], [], [], new Dictionary<uint, IReadOnlyList<string>>(), 3, false));
        var postData = items.Single(i => i.Kind == WorkItemKind.PostData);
        Assert.Contains(items.Single(i => i.Kind == WorkItemKind.Schema && i.Dependencies.Count == 1), postData.Dependencies);
    }

    static PgMove.Catalog.TableInfo Table(uint oid, long bytes = 1000) => new(oid, "s", $"t{oid}", ["id"], bytes, 10, true, false);

    [Fact]
    public void In_pieces_each_batch_waits_for_its_own_tables_a_big_table_for_its_piece_and_the_rest_of_pre_data_for_every_row()
    {
        // 250 small tables in pieces 1 (150) and 2 (100), and a big table in piece 2.
        var tables = Enumerable.Range(1, 250).Select(i => Table((uint)i)).Append(Table(999, 100L << 20)).ToList();
        var pieces = tables.ToDictionary(t => t.Oid, t => t.Oid <= 150 ? 1 : 2);
        var input = new CopyPlan.Input(tables, 0, [], [], [], new Dictionary<uint, IReadOnlyList<string>>(), 2) { PieceOfTable = pieces };

        var items = CopyPlan.Build(input);

        var batches = items.OfType<PgMove.Data.SmallTablesItem>().ToList();
        Assert.Equal(250, batches.Sum(b => b.Tables.Count));
        Assert.Equal(3, batches.Count); // 150 → 2 batches, 100 → 1: at most 100 tables each, never two pieces in one
        var gates = items.OfType<PgMove.Schema.PreDataTablesGate>().ToList();
        Assert.Equal(3, gates.Count);
        Assert.All(gates, g => Assert.False(g.HoldsWorker));
        foreach (var batch in batches)
        {
            var piece = pieces[batch.Tables[0].Table.Oid];
            Assert.All(batch.Tables, t => Assert.Equal(piece, pieces[t.Table.Oid]));
            Assert.IsType<PgMove.Schema.PreDataTablesGate>(Assert.Single(batch.Dependencies));
        }
        // Tables next to each other in pg_dump's order (schema, then name: t1, t10, t100, t101…) share a batch.
        var names = tables.Where(t => t.Oid <= 150).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names.Take(75), batches[0].Tables.Select(t => t.Table.Name));
        var big = items.OfType<PgMove.Data.TableCopyItem>().Single();
        var pieceGate = Assert.IsType<PgMove.Schema.PreDataPieceGate>(Assert.Single(big.Dependencies));
        Assert.Equal("schema:pre-data-piece-2", pieceGate.Id);
        Assert.False(pieceGate.HoldsWorker);
        var rest = items.Single(i => i.Id == "schema:pre-data-rest");
        Assert.Superset(batches.Cast<WorkItem>().Append(big).ToHashSet(), rest.Dependencies.ToHashSet());
        Assert.Contains(rest, items.Single(i => i.Kind == WorkItemKind.PostData).Dependencies);
        Assert.Contains(rest, items.OfType<PgMove.Sequences.SequenceSetItem>().Single().Dependencies);

        // An --after-pre-data hook sees every table empty: then no row loads before all of pre-data and the hook.
        var hooked = CopyPlan.Build(input with { Hooks = new PgMove.Hooks.HookOptions { AfterPreData = "/x.sql" } });
        Assert.Empty(hooked.OfType<PgMove.Schema.PreDataPieceGate>());
        Assert.Empty(hooked.OfType<PgMove.Schema.PreDataTablesGate>());
        Assert.All(hooked.OfType<PgMove.Data.SmallTablesItem>(), b => Assert.IsType<PgMove.Hooks.HookItem>(Assert.Single(b.Dependencies)));

        // In pieces, the tables' pre-data restore waits for each piece's dump inside (SchemaArchive), not for the whole
        // dump item, and so do the gates: rows load while the last pieces are dumped; the dump item takes no worker.
        // One archive: the restore waits for it.
        var dump = items.OfType<PgMove.Schema.SchemaDumpItem>().Single();
        Assert.False(dump.HoldsWorker);
        Assert.False(items.Single(i => i.Id == "schema:pre-data").HoldsWorker); // its pg_restores run beside both workers
        Assert.True(items.Single(i => i.Id == "schema:pre-data-rest").HoldsWorker);
        Assert.Empty(items.Single(i => i.Id == "schema:pre-data").Dependencies);
        Assert.All(gates.Append<WorkItem>(pieceGate), g => Assert.Empty(g.Dependencies));
        var whole = CopyPlan.Build(input with { PieceOfTable = new Dictionary<uint, int>() });
        Assert.Equal([whole.OfType<PgMove.Schema.SchemaDumpItem>().Single()], whole.Single(i => i.Id == "schema:pre-data").Dependencies);
    }
}
