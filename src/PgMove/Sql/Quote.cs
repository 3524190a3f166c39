using System.Text;

namespace PgMove.Sql;

/// <summary>
/// The one place where SQL text that names objects or carries values is built.
/// Identifiers are always double-quoted, so names with quotes, spaces, dots, Unicode or upper case survive.
/// </summary>
public static class Quote
{
    /// <summary>A double-quoted identifier: <c>a"b</c> becomes <c>"a""b"</c>.</summary>
    public static string Ident(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "\"" + name.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>A schema-qualified, quoted name: <c>"schema"."name"</c>.</summary>
    public static string Qualified(string schema, string name) => Ident(schema) + "." + Ident(name);

    /// <summary>A standard-conforming string literal (<c>E''</c> is never needed: backslashes are plain).</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0'))
            throw new ArgumentException("a SQL literal cannot hold a NUL character", nameof(value));
        return "'" + value.Replace("'", "''") + "'";
    }

    /// <summary>A parenthesized, comma-separated list of quoted column names.</summary>
    public static string ColumnList(IEnumerable<string> columns)
    {
        var sb = new StringBuilder("(");
        var first = true;
        foreach (var column in columns)
        {
            if (!first) sb.Append(", ");
            sb.Append(Ident(column));
            first = false;
        }
        return sb.Append(')').ToString();
    }
}
