using System.Text;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// The SQL of the set-based apply: DELETE ... USING and UPDATE ... FROM <c>unnest</c> of text-array parameters, one
/// per column (key columns first, in column order), each value cast to the target column's type on the server, the
/// table joined by its replica identity key. The text of one shape never changes, so the session prepares it.
/// </summary>
internal static class SetSql
{
    /// <summary>The columns of the replica identity key, in column order.</summary>
    public static IReadOnlyList<int> KeyColumns(ApplyTable table) =>
        Enumerable.Range(0, table.Columns.Count).Where(i => table.Key[i]).ToList();

    /// <summary>Deletes the rows whose keys are given: parameters are the key columns' arrays.</summary>
    public static string Delete(ApplyTable table)
    {
        var keys = KeyColumns(table);
        return $"DELETE FROM ONLY {table.QualifiedName} AS t USING {Unnest(keys)} WHERE {KeyJoin(table, keys)}";
    }

    /// <summary>Updates the <paramref name="set"/> columns of the rows whose keys are given: parameters are the key columns' arrays, then the set columns'.</summary>
    public static string Update(ApplyTable table, IReadOnlyList<int> set)
    {
        var keys = KeyColumns(table);
        var sb = new StringBuilder($"UPDATE ONLY {table.QualifiedName} AS t SET ");
        for (var p = 0; p < set.Count; p++)
            sb.Append(p > 0 ? ", " : "").Append(Quote.Ident(table.Columns[set[p]])).Append(" = ").Append(Value(table, set[p]));
        return sb.Append($" FROM {Unnest([.. keys, .. set])} WHERE {KeyJoin(table, keys)}").ToString();
    }

    /// <summary><c>unnest($1::text[], ...) AS u(c3, ...)</c>: the alias names are the column numbers (no quoting needed).</summary>
    static string Unnest(IReadOnlyList<int> columns) =>
        $"unnest({string.Join(", ", columns.Select((_, p) => $"${p + 1}::text[]"))}) AS u({string.Join(", ", columns.Select(Alias))})";

    static string KeyJoin(ApplyTable table, IReadOnlyList<int> keys) =>
        string.Join(" AND ", keys.Select(i => $"t.{Quote.Ident(table.Columns[i])} = {Value(table, i)}"));

    // The type comes from the target's format_type(): a type expression the server produced, already quoted.
    static string Value(ApplyTable table, int column) => $"u.{Alias(column)}::{table.Types[column]}";

    static string Alias(int column) => "c" + column;
}
