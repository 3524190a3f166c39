using PgMove.Sql;

namespace PgMove.Catalog;

/// <summary>A table whose rows are copied: a plain table, a partition (leaf) or an inheritance parent or child.</summary>
/// <param name="Columns">The columns COPY reads and writes: not dropped, not generated, in attribute order.</param>
/// <param name="BinarySafe">
/// True when every column's type is built in and has binary send/receive, so binary COPY is exact across
/// servers (user-defined types embed OIDs in binary arrays and may lack binary I/O: those tables use text).
/// </param>
/// <param name="SplitKey">A NOT NULL integer column with a unique index, by whose ranges the table can be split.</param>
/// <param name="Pages">Pages of the main fork, for splitting by ctid ranges when there is no such key.</param>
/// <param name="InInheritance">
/// A parent or child in an inheritance or partition tree: ANALYZE of a parent samples its children, so such tables are
/// analyzed only once every table is loaded, and are not batched (a batch's locks would cross another's).
/// </param>
/// <param name="IsPartition">A leaf partition: its indexes hang off the partitioned table's and pg_restore builds them.</param>
/// <param name="Oid">The table's OID on the source.</param>
/// <param name="Schema">The table's schema.</param>
/// <param name="Name">The table's name.</param>
/// <param name="Bytes">The table's size on the source (with TOAST).</param>
/// <param name="EstimatedRows">reltuples, for progress estimates.</param>
/// <param name="Unlogged">An UNLOGGED table.</param>
/// <param name="Where">A --where condition: only the source rows it holds for are copied (null: all rows).</param>
public sealed record TableInfo(
    uint Oid,
    string Schema,
    string Name,
    IReadOnlyList<string> Columns,
    long Bytes,
    long EstimatedRows,
    bool BinarySafe,
    bool Unlogged,
    bool IsPartition = false,
    string? SplitKey = null,
    long Pages = 0,
    bool InInheritance = false,
    string? Where = null)
{
    /// <summary>The quoted, schema-qualified name.</summary>
    public string QualifiedName => Quote.Qualified(Schema, Name);

    /// <summary>Name for people: schema.name, unquoted.</summary>
    public string DisplayName => $"{Schema}.{Name}";
}
