using PgMove.Filters;

namespace PgMove.Verify;

/// <summary>
/// What verify compares when filters chose what was moved: the schema entries of the selected relations (tables,
/// their columns, constraints and triggers, views, sequences and their values), and the rows of the tables whose rows
/// moved, a --where table against the source rows its condition selects. Objects outside relations (schemas,
/// functions, types, extensions, indexes, large objects, the database's properties) are left out of a filtered comparison.
/// </summary>
internal static class SelectionScope
{
    static readonly HashSet<string> RelationKinds = ["table", "foreign table", "sequence", "sequence value", "view", "materialized view"];
    static readonly HashSet<string> MemberKinds = ["column", "constraint", "trigger"];

    /// <summary>Whether a schema entry (kind, name as SchemaComparer names it) is compared; null: everything is.</summary>
    /// <param name="selection">The run's selection.</param>
    public static Func<string, string, bool>? SchemaEntries(Selection selection)
    {
        if (selection.IsEverything) return null;
        var relations = selection.Names.Select(n => $"{SchemaComparer.Display(n.Schema)}.{SchemaComparer.Display(n.Name)}").ToHashSet();
        bool keep(string kind, string name)
        {
            if (kind is "owner" or "privileges")
                return RelationKinds.Concat(MemberKinds).Any(k => name.StartsWith(k + " ", StringComparison.Ordinal) && keep(k, name[(k.Length + 1)..]));
            if (RelationKinds.Contains(kind)) return relations.Contains(name);
            return MemberKinds.Contains(kind) && name.LastIndexOf('.') is var dot and > 0 && relations.Contains(name[..dot]);
        }
        return keep;
    }
}
