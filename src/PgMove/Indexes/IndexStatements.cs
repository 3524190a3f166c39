using PgMove.Catalog;
using PgMove.Sql;

namespace PgMove.Indexes;

/// <summary>The SQL that recreates a table's indexes and keys on the target, shared by every item that builds them.</summary>
internal static class IndexStatements
{
    /// <summary>
    /// Builds the index: a primary key or unique constraint as its bare unique index (attached later by
    /// <see cref="Keys"/>), a constraint that cannot be attached that way (exclusion, deferrable) whole.
    /// </summary>
    public static string Build(TableInfo table, IndexInfo index) =>
        index.Constraint is { CanUseIndex: false } constraint
            ? $"ALTER TABLE ONLY {table.QualifiedName} ADD CONSTRAINT {Quote.Ident(constraint.Name)} {constraint.Definition}"
            : index.Definition;

    /// <summary>Attaches the unique indexes as their constraints and restores CLUSTER ON and REPLICA IDENTITY.</summary>
    public static IReadOnlyList<string> Keys(TableInfo table, IEnumerable<IndexInfo> indexes)
    {
        var statements = new List<string>();
        foreach (var index in indexes)
        {
            if (index.Constraint is { CanUseIndex: true } c)
            {
                var kind = c.Type == 'p' ? "PRIMARY KEY" : "UNIQUE";
                statements.Add($"ALTER TABLE ONLY {table.QualifiedName} ADD CONSTRAINT {Quote.Ident(c.Name)} {kind} USING INDEX {Quote.Ident(index.Name)}");
            }
            statements.AddRange(Marks(table, index));
        }
        return statements;
    }

    /// <summary>
    /// A small table's indexes and keys in the fewest statements: each constraint with its index in one
    /// (<c>ADD CONSTRAINT … PRIMARY KEY (…)</c>, as pg_dump restores it), then CLUSTER ON and REPLICA IDENTITY.
    /// </summary>
    public static IReadOnlyList<string> Whole(TableInfo table, IReadOnlyList<IndexInfo> indexes) =>
        indexes.Select(i => i.Constraint is { } c
                ? $"ALTER TABLE ONLY {table.QualifiedName} ADD CONSTRAINT {Quote.Ident(c.Name)} {c.Definition}"
                : i.Definition)
            .Concat(indexes.SelectMany(i => Marks(table, i))).ToList();

    // A constraint's index bears the constraint's name.
    static IEnumerable<string> Marks(TableInfo table, IndexInfo index)
    {
        var name = index.Constraint?.Name ?? index.Name;
        if (index.Clustered) yield return $"ALTER TABLE {table.QualifiedName} CLUSTER ON {Quote.Ident(name)}";
        if (index.ReplicaIdentity) yield return $"ALTER TABLE ONLY {table.QualifiedName} REPLICA IDENTITY USING INDEX {Quote.Ident(name)}";
    }
}
