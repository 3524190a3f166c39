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
            var name = index.Name;
            if (index.Constraint is { CanUseIndex: true } c)
            {
                var kind = c.Type == 'p' ? "PRIMARY KEY" : "UNIQUE";
                statements.Add($"ALTER TABLE ONLY {table.QualifiedName} ADD CONSTRAINT {Quote.Ident(c.Name)} {kind} USING INDEX {Quote.Ident(name)}");
                name = c.Name; // the index takes the constraint's name
            }
            if (index.Clustered)
                statements.Add($"ALTER TABLE {table.QualifiedName} CLUSTER ON {Quote.Ident(name)}");
            if (index.ReplicaIdentity)
                statements.Add($"ALTER TABLE ONLY {table.QualifiedName} REPLICA IDENTITY USING INDEX {Quote.Ident(name)}");
        }
        return statements;
    }
}
