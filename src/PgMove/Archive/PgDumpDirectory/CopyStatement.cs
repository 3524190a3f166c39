using System.Text;
using PgMove.Errors;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>
/// The <c>COPY schema.table (col, …) FROM stdin;</c> pg_dump stores with each table's data: which table the file
/// loads and which columns, in the file's order. Names are as pg_dump's fmtId writes them: bare, or double-quoted
/// with inner quotes doubled.
/// </summary>
/// <param name="Schema">The table's schema.</param>
/// <param name="Table">The table's name.</param>
/// <param name="Columns">The columns, unquoted, in the data file's order.</param>
public sealed record CopyStatement(string Schema, string Table, IReadOnlyList<string> Columns)
{
    /// <summary>Reads a COPY statement as pg_dump writes it; refuses anything else.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="entry">The TOC entry it belongs to, for messages.</param>
    public static CopyStatement Parse(string sql, string entry)
    {
        var text = sql.Trim();
        var at = 0;
        if (!text.StartsWith("COPY ", StringComparison.Ordinal)) throw Bad(sql, entry);
        at = 5;
        var first = Identifier(text, ref at) ?? throw Bad(sql, entry);
        string schema = "", table = first;
        if (at < text.Length && text[at] == '.')
        {
            at++;
            (schema, table) = (first, Identifier(text, ref at) ?? throw Bad(sql, entry));
        }
        var columns = new List<string>();
        SkipSpaces(text, ref at);
        if (at < text.Length && text[at] == '(')
        {
            do
            {
                at++;
                SkipSpaces(text, ref at);
                columns.Add(Identifier(text, ref at) ?? throw Bad(sql, entry));
                SkipSpaces(text, ref at);
            } while (at < text.Length && text[at] == ',');
            if (at >= text.Length || text[at] != ')') throw Bad(sql, entry);
            at++;
            SkipSpaces(text, ref at);
        }
        if (!text[at..].Equals("FROM stdin;", StringComparison.Ordinal)) throw Bad(sql, entry);
        return new CopyStatement(schema, table, columns);
    }

    static void SkipSpaces(string text, ref int at)
    {
        while (at < text.Length && text[at] == ' ') at++;
    }

    static string? Identifier(string text, ref int at)
    {
        if (at >= text.Length) return null;
        if (text[at] != '"')
        {
            var start = at;
            while (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] is '_' or '$' || text[at] > 127)) at++;
            return at > start ? text[start..at] : null;
        }
        var name = new StringBuilder();
        for (at++; at < text.Length; at++)
        {
            if (text[at] != '"') name.Append(text[at]);
            else if (at + 1 < text.Length && text[at + 1] == '"') name.Append(text[++at]);
            else
            {
                at++;
                return name.ToString();
            }
        }
        return null;
    }

    static PgMoveException Bad(string sql, string entry) =>
        new(ExitCode.ArchiveDamaged, $"archive entry {entry}: unexpected COPY statement \"{sql.Trim()}\"");
}
