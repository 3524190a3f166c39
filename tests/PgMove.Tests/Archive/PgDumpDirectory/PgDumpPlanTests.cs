using PgMove.Archive.PgDumpDirectory;
using PgMove.Catalog;

namespace PgMove.Tests.Archive.PgDumpDirectory;

/// <summary>The scratch database's catalog joined with the archive's entries: every OID becomes the archive's.</summary>
public sealed class PgDumpPlanTests
{
    static readonly PgDumpToc Toc = PgDumpToc.Parse(
        File.ReadAllBytes(Path.Combine(PgDumpTocTests.TestData("pg15-gzip"), PgDumpToc.FileName)), "toc.dat");

    static uint Oid(string desc, string tag) => Toc.OfType(desc).Single(e => e.Tag == tag).Oid;

    static TableInfo Table(uint oid, string schema, string name) => new(oid, schema, name, ["scratch"], 0, 0, true, false);

    static PgDumpPlan.Result Build(IReadOnlyList<IndexInfo> indexes, IReadOnlyList<ConstraintInfo> keys) => PgDumpPlan.Build(Toc,
        [Table(1, "Odd Schema", "Weird \"name\""), Table(2, "public", "parent"), Table(3, "public", "child"), Table(4, "public", "no_data")],
        indexes, keys, [("public", "parent", 0), ("public", "child", 0)], true, e => e.DumpId, 2);

    static readonly IndexInfo ParentKey = new(2, 20, "parent_pkey", "CREATE UNIQUE INDEX parent_pkey ON public.parent USING btree (id)",
        new ConstraintInfo(21, 2, "parent_pkey", 'p', "PRIMARY KEY (id)", true), false, false, 0);

    [Fact]
    public void Tables_take_the_archive_oids_and_the_copy_statement_columns()
    {
        var plan = Build([], []);
        var weird = plan.Input.Tables.Single(t => t.Schema == "Odd Schema");
        Assert.Equal(Oid("TABLE", "Weird \"name\""), weird.Oid);
        Assert.Equal(["id", "Col, one", "plain"], weird.Columns);
        Assert.False(weird.BinarySafe);
        Assert.DoesNotContain(plan.Input.Tables, t => t.Name == "no_data"); // no TABLE DATA entry: nothing to load
        Assert.Equal(3, plan.Data.Count);
        Assert.Equal(plan.Data.Values.Select(e => (e.CatalogOid, e.Oid)).ToHashSet(), plan.LoadedEntries);
        Assert.All(plan.LoadedEntries, id => Assert.Equal(0u, id.Item1));
        Assert.Equal(plan.Input.Tables.Select(t => t.Bytes).OrderDescending(), plan.Input.Tables.Select(t => t.Bytes));
    }

    [Fact]
    public void Indexes_keys_and_foreign_keys_take_their_entries_oids()
    {
        var childIndex = new IndexInfo(3, 30, "child_parent", "CREATE INDEX child_parent ON public.child USING btree (parent_id)", null, false, false, 0);
        var unknown = new IndexInfo(3, 31, "made_later", "CREATE INDEX made_later ON public.child (id)", null, false, false, 0);
        var fk = new ConstraintInfo(40, 3, "child_parent_id_fkey", 'f', "FOREIGN KEY (parent_id) REFERENCES public.parent(id)", false, 2, 20);
        var plan = Build([ParentKey, childIndex, unknown], [fk]);

        var key = plan.Input.Indexes.Single(i => i.Name == "parent_pkey");
        Assert.Equal((Oid("TABLE", "parent"), Oid("CONSTRAINT", "parent parent_pkey")), (key.TableOid, key.Constraint!.Oid));
        Assert.Equal(Oid("INDEX", "child_parent"), plan.Input.Indexes.Single(i => i.Name == "child_parent").IndexOid);
        Assert.DoesNotContain(plan.Input.Indexes, i => i.Name == "made_later"); // no entry of its own: pg_restore's
        var key2 = Assert.Single(plan.Input.ForeignKeys);
        Assert.Equal((Oid("FK CONSTRAINT", "child child_parent_id_fkey"), Oid("TABLE", "child"), Oid("TABLE", "parent")),
            (key2.Oid, key2.TableOid, key2.ReferencedTableOid));
    }

    [Fact]
    public void A_foreign_key_whose_index_pgmove_does_not_build_is_left_to_pg_restore()
    {
        var fk = new ConstraintInfo(40, 3, "child_parent_id_fkey", 'f', "FOREIGN KEY (parent_id) REFERENCES public.parent(id)", false, 2, 20);
        Assert.Empty(Build([], [fk]).Input.ForeignKeys);
    }
}
