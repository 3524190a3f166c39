using PgMove.Sql;

namespace PgMove.Catalog;

/// <summary>A table whose rows are copied: a plain table, a partition (leaf) or an inheritance parent or child.</summary>
/// <param name="Columns">The columns COPY reads and writes: not dropped, not generated, in attribute order.</param>
/// <param name="BinarySafe">
/// True when every column's type is built in and has binary send/receive, so binary COPY is exact across
/// servers (user-defined types embed OIDs in binary arrays and may lack binary I/O: those tables use text).
/// </param>
/// <param name="IsPartition">A leaf partition: its indexes hang off the partitioned table's and pg_restore builds them.</param>
public sealed record TableInfo(
    uint Oid,
    string Schema,
    string Name,
    IReadOnlyList<string> Columns,
    long Bytes,
    long EstimatedRows,
    bool BinarySafe,
    bool Unlogged,
    bool IsPartition = false)
{
    /// <summary>The quoted, schema-qualified name.</summary>
    public string QualifiedName => Quote.Qualified(Schema, Name);

    /// <summary>Name for people: schema.name, unquoted.</summary>
    public string DisplayName => $"{Schema}.{Name}";
}
