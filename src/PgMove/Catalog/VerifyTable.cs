using PgMove.Sql;

namespace PgMove.Catalog;

/// <summary>A table whose rows verify compares (relkind 'r': plain tables, partitions, inheritance members).</summary>
/// <param name="Columns">Live columns (not dropped; generated ones included), in attribute order.</param>
/// <param name="Pages">Current size in blocks: how the checksum is split into block ranges.</param>
/// <param name="Key">The primary key, else the narrowest unique index on NOT NULL plain columns; null when none.</param>
/// <param name="Schema">The table's schema.</param>
/// <param name="Name">The table's name.</param>
/// <param name="EstimatedRows">reltuples, for progress and for ordering the work.</param>
/// <param name="Where">On the source: the --where condition the copy moved its rows with (null: all rows).</param>
public sealed record VerifyTable(
    string Schema,
    string Name,
    IReadOnlyList<string> Columns,
    long Pages,
    long EstimatedRows,
    TableKey? Key,
    string? Where = null)
{
    /// <summary>The quoted, schema-qualified name.</summary>
    public string QualifiedName => Quote.Qualified(Schema, Name);

    /// <summary>Name for people: schema.name, unquoted.</summary>
    public string DisplayName => $"{Schema}.{Name}";
}
