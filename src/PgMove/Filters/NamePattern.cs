using System.Text;
using PgMove.Errors;

namespace PgMove.Filters;

/// <summary>
/// A name pattern read as pg_dump reads <c>-n</c>/<c>-t</c> (psql's pattern rules, fe_utils processSQLNamePattern):
/// outside double quotes letters fold to lower case, <c>*</c> is any sequence, <c>?</c> any one character and
/// <c>.</c> separates database, schema and name; inside double quotes every character is literal (<c>""</c> is a quote);
/// <c>$</c> is always literal and other regular-expression characters outside quotes pass through as they are.
/// Each part becomes an anchored POSIX regular expression that the source server itself evaluates (the engine pg_dump's
/// query uses), so pgmove and pg_dump select the same names.
/// </summary>
/// <param name="Text">The pattern as given.</param>
/// <param name="Database">The database part as a literal name (folded as above), or null.</param>
/// <param name="Schema">Anchored regex of the schema part, or null when the pattern has none.</param>
/// <param name="Name">Anchored regex of the last part.</param>
public sealed record NamePattern(string Text, string? Database, string? Schema, string Name)
{
    /// <summary>Reads a table pattern: <c>name</c>, <c>schema.name</c> or <c>database.schema.name</c>.</summary>
    /// <param name="text">The pattern.</param>
    /// <param name="option">The option it came with, for the error message.</param>
    public static NamePattern ForTable(string text, string option) => Parse(text, option, 3);

    /// <summary>Reads a schema pattern: <c>schema</c> or <c>database.schema</c>.</summary>
    /// <param name="text">The pattern.</param>
    /// <param name="option">The option it came with, for the error message.</param>
    public static NamePattern ForSchema(string text, string option)
    {
        var p = Parse(text, option, 2);
        return p with { Database = p.Schema is null ? null : p.Database, Schema = null };
    }

    static NamePattern Parse(string text, string option, int maxParts)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new PgMoveException(ExitCode.Usage, $"{option}: empty pattern");
        var regexes = new List<StringBuilder> { new() };
        var literals = new List<StringBuilder> { new() };
        var inQuotes = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            var (regex, literal) = (regexes[^1], literals[^1]);
            if (ch == '"')
            {
                if (inQuotes && i + 1 < text.Length && text[i + 1] == '"') { regex.Append('"'); literal.Append('"'); i++; }
                else inQuotes = !inQuotes;
            }
            else if (!inQuotes && char.IsAsciiLetterUpper(ch)) { regex.Append(char.ToLowerInvariant(ch)); literal.Append(char.ToLowerInvariant(ch)); }
            else if (!inQuotes && ch == '*') { regex.Append(".*"); literal.Append(ch); }
            else if (!inQuotes && ch == '?') { regex.Append('.'); literal.Append(ch); }
            else if (!inQuotes && ch == '.') { regexes.Add(new()); literals.Add(new()); }
            else if (ch == '$') { regex.Append("\\$"); literal.Append(ch); }
            else
            {
                if (inQuotes && "|*+?()[]{}.^$\\".Contains(ch)) regex.Append('\\');
                else if (ch == '[' && i + 1 < text.Length && text[i + 1] == ']') regex.Append('\\');
                regex.Append(ch);
                literal.Append(ch);
            }
        }
        if (inQuotes) throw new PgMoveException(ExitCode.Usage, $"{option} {text}: unterminated double quote");
        if (regexes.Count > maxParts)
            throw new PgMoveException(ExitCode.Usage, $"{option} {text}: improper qualified name (too many dotted names)");
        string Anchored(StringBuilder b) => $"^({b})$";
        return regexes.Count switch
        {
            1 => new NamePattern(text, null, null, Anchored(regexes[0])),
            2 => new NamePattern(text, maxParts == 2 ? literals[0].ToString() : null, Anchored(regexes[0]), Anchored(regexes[1])),
            _ => new NamePattern(text, literals[0].ToString(), Anchored(regexes[1]), Anchored(regexes[2])),
        };
    }

    /// <summary>Refuses a database part that names another database, as pg_dump does.</summary>
    /// <param name="currentDatabase">The source database's name.</param>
    /// <param name="option">The option the pattern came with.</param>
    public void CheckDatabase(string currentDatabase, string option)
    {
        if (Database is { } db && db != currentDatabase)
            throw new PgMoveException(ExitCode.Usage, $"{option} {Text}: cross-database references are not implemented (the source database is \"{currentDatabase}\")");
    }
}
