using System.Text;
using PgMove.Sql;

namespace PgMove.Filters;

/// <summary>
/// Patterns for pg_dump's <c>--table</c>/<c>--exclude-table</c> that match exactly the given relations, a few patterns
/// for many names. pg_dump 15 runs one catalog query per pattern (expand_table_name_patterns), so 10,000 patterns of
/// one name cost seconds. The pattern rules (fe_utils patternToSQLRegex, mirrored by <see cref="NamePattern"/>): inside
/// double quotes every character is literal (regex characters are escaped there), while <c>(</c>, <c>|</c> and <c>)</c>
/// outside quotes pass into the regular expression as they are, and <c>.</c> outside quotes separates schema and name.
/// So <c>"s".("a"|"b")</c> becomes schema <c>^(s)$</c> and name <c>^(("a"|"b"))$</c> with both names literal.
/// </summary>
public static class ExactPatterns
{
    /// <summary>The longest pattern built (one command-line argument; Linux takes up to 128 kB each).</summary>
    public const int MaxChars = 16_000;

    /// <summary>
    /// The patterns: one per schema (the names in the order given), cut where it would pass <paramref name="maxChars"/>;
    /// <c>"schema".*</c> for the schemas of <paramref name="wholeSchemas"/>, whose every relation is meant
    /// (<see cref="WholeSchemas"/>): the same set at the cost of no name (100,000 names would pass Linux's 2 MB of
    /// command-line arguments) and of a trivial regular expression.
    /// </summary>
    /// <param name="relations">The relations, as (schema, name).</param>
    /// <param name="maxChars">The longest pattern to build (a single name longer than that still gets its own).</param>
    /// <param name="wholeSchemas">Schemas named whole; none by default.</param>
    public static IReadOnlyList<string> Of(IEnumerable<(string Schema, string Name)> relations, int maxChars = MaxChars,
        IReadOnlySet<string>? wholeSchemas = null)
    {
        var patterns = new List<string>();
        foreach (var schema in relations.GroupBy(r => r.Schema, StringComparer.Ordinal))
        {
            var prefix = Quote.Ident(schema.Key) + ".";
            if (wholeSchemas?.Contains(schema.Key) == true)
            {
                patterns.Add(prefix + "*");
                continue;
            }
            var names = new List<string>();
            var length = prefix.Length + 2;
            foreach (var (_, name) in schema)
            {
                var quoted = Quote.Ident(name);
                if (names.Count > 0 && length + quoted.Length + 1 > maxChars)
                {
                    patterns.Add(Join(prefix, names));
                    names.Clear();
                    length = prefix.Length + 2;
                }
                names.Add(quoted);
                length += quoted.Length + 1;
            }
            if (names.Count > 0) patterns.Add(Join(prefix, names));
        }
        return patterns;
    }

    /// <summary>
    /// The schemas whose every relation a pattern can match is among <paramref name="covered"/>.
    /// </summary>
    /// <param name="covered">The relations meant, as (schema, name).</param>
    /// <param name="schemaRelations">
    /// Per schema, how many relations pg_dump's --table can match there (DumpTableCatalog.ReadSchemaRelationsAsync).
    /// </param>
    public static IReadOnlySet<string> WholeSchemas(IEnumerable<(string Schema, string Name)> covered,
        IReadOnlyDictionary<string, int> schemaRelations) =>
        covered.Distinct().GroupBy(r => r.Schema, StringComparer.Ordinal)
            .Where(g => schemaRelations.TryGetValue(g.Key, out var all) && g.Count() == all)
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);

    static string Join(string prefix, List<string> names) =>
        names.Count == 1 ? prefix + names[0] : new StringBuilder(prefix).Append('(').AppendJoin('|', names).Append(')').ToString();
}
