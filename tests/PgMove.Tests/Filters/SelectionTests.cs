using PgMove.Catalog;
using PgMove.Errors;
using PgMove.Filters;

namespace PgMove.Tests.Filters;

/// <summary>pg_dump's selection rules, applied to what the patterns matched.</summary>
public sealed class SelectionTests
{
    static readonly RelationInfo Customers = new(1, "app", "customers", 'r');
    static readonly RelationInfo CustomersSeq = new(2, "app", "customers_id_seq", 'S', OwnerTable: 1);
    static readonly RelationInfo Orders = new(3, "app", "orders", 'r');
    static readonly RelationInfo Ticket = new(4, "app", "ticket_seq", 'S');
    static readonly RelationInfo Settings = new(5, "public", "settings", 'r');
    static readonly RelationInfo View = new(6, "public", "v", 'v');
    static readonly RelationInfo[] All = [Customers, CustomersSeq, Orders, Ticket, Settings, View];

    static Selection.Matches None() => new(null, new HashSet<string>(), null, new HashSet<uint>(), new HashSet<uint>(), []);

    [Fact]
    public void Schema_include_and_exclude()
    {
        var s = Selection.Resolve(new FilterOptions { Schemas = ["app"] }, All, None() with { IncludeSchemas = new HashSet<string> { "app" } });
        Assert.Equal([1u, 2, 3, 4], All.Where(r => s.Includes(r.Oid)).Select(r => r.Oid));
        Assert.False(s.LargeObjects);
        var x = Selection.Resolve(new FilterOptions { ExcludeSchemas = ["app"] }, All, None() with { ExcludeSchemas = new HashSet<string> { "app" } });
        Assert.Equal([5u, 6], All.Where(r => x.Includes(r.Oid)).Select(r => r.Oid));
        Assert.True(x.LargeObjects);
    }

    [Fact]
    public void Table_include_overrides_schemas_and_brings_owned_sequences()
    {
        var s = Selection.Resolve(new FilterOptions { Tables = ["customers"], Schemas = ["public"] }, All,
            None() with { IncludeTables = new HashSet<uint> { 1 }, IncludeSchemas = new HashSet<string> { "public" } });
        Assert.Equal([1u, 2], All.Where(r => s.Includes(r.Oid)).Select(r => r.Oid));
        Assert.True(s.IncludesName("app", "customers_id_seq"));
        Assert.False(s.IncludesName("app", "ticket_seq"));
    }

    [Fact]
    public void Owned_sequences_follow_an_excluded_table_and_are_kept_out_of_the_dump()
    {
        var s = Selection.Resolve(new FilterOptions { ExcludeTables = ["app.customers"] }, All, None() with { ExcludeTables = new HashSet<uint> { 1 } });
        Assert.False(s.Includes(2));
        Assert.True(s.Includes(4));
        Assert.Equal([CustomersSeq], s.ExcludedOwnedSequences);
        Assert.Contains("--exclude-table=\"app\".\"customers_id_seq\"", PgDumpFilterArguments.Of(s));
        Assert.Contains("--exclude-table=app.customers", PgDumpFilterArguments.Of(s));
    }

    [Fact]
    public void Exclude_table_data_keeps_the_definition_without_rows()
    {
        var s = Selection.Resolve(new FilterOptions { ExcludeTableData = ["app.orders"] }, All, None() with { ExcludeData = new HashSet<uint> { 3 } });
        Assert.True(s.Includes(3));
        Assert.False(s.CopiesRows(3));
        Assert.True(s.CopiesRows(1));
    }

    [Fact]
    public void Foreign_keys_crossing_the_edge_are_named()
    {
        (string, uint, uint)[] fks = [("orders_customer_fkey", 3, 1)];
        var excluded = Selection.Resolve(new FilterOptions { ExcludeTables = ["x"] }, All, None() with { ExcludeTables = new HashSet<uint> { 1 } });
        Assert.Contains("orders_customer_fkey on app.orders → app.customers: the referenced table is not moved", Assert.Single(excluded.CrossingForeignKeys(fks, All)));
        var child = Selection.Resolve(new FilterOptions { ExcludeTables = ["x"] }, All, None() with { ExcludeTables = new HashSet<uint> { 3 } });
        Assert.Contains("the referencing table is not moved", Assert.Single(child.CrossingForeignKeys(fks, All)));
        var noRows = Selection.Resolve(new FilterOptions { ExcludeTableData = ["x"] }, All, None() with { ExcludeData = new HashSet<uint> { 1 } });
        Assert.Contains("without its rows", Assert.Single(noRows.CrossingForeignKeys(fks, All)));
        var childNoRows = Selection.Resolve(new FilterOptions { ExcludeTableData = ["x"] }, All, None() with { ExcludeData = new HashSet<uint> { 3 } });
        Assert.Empty(childNoRows.CrossingForeignKeys(fks, All));
        Assert.Empty(Selection.Everything.CrossingForeignKeys(fks, All));
    }

    [Fact]
    public void Where_must_name_exactly_one_moved_table()
    {
        var pattern = NamePattern.ForTable("app.*", "--where");
        var two = None() with { Where = [(pattern, new HashSet<uint> { 1, 3 }, "true")] };
        var e = Assert.Throws<PgMoveException>(() => Selection.Resolve(new FilterOptions { Where = ["app.*=true"] }, All, two));
        Assert.Equal(ExitCode.Usage, e.ExitCode);
        Assert.Contains("app.customers, app.orders", e.Message);
        var view = None() with { Where = [(pattern, new HashSet<uint> { 6 }, "true")] };
        Assert.Contains("matches none", Assert.Throws<PgMoveException>(() => Selection.Resolve(new FilterOptions { Where = ["v=true"] }, All, view)).Message);
        var one = Selection.Resolve(new FilterOptions { Where = ["app.orders=id > 1"] }, All, None() with { Where = [(pattern, new HashSet<uint> { 3 }, "id > 1")] });
        Assert.Equal("id > 1", one.WhereOf(3));
        Assert.Null(one.WhereOf(1));
    }
}
