using System.Text.RegularExpressions;

namespace PgMove.Verify;

/// <summary>
/// Tells a definition that only reads differently because the two servers' deparsers differ (different major
/// versions) from a real difference. Used only when the texts differ and the majors do.
/// </summary>
internal static partial class DeparseDifferences
{
    /// <summary>
    /// Whether <paramref name="source"/> and <paramref name="target"/> define the same <paramref name="kind"/>.
    /// Views: PostgreSQL 16 stopped qualifying column references when a query level reads one relation
    /// (<c>SELECT t.a FROM t</c> became <c>SELECT a FROM t</c>), so column qualifiers are left out of the
    /// comparison; relation names after FROM/JOIN and function names are kept.
    /// </summary>
    public static bool Equivalent(string kind, string source, string target) =>
        kind is "view" or "materialized view" && Unqualified(source) == Unqualified(target);

    static string Unqualified(string definition) =>
        Whitespace().Replace(ColumnQualifier().Replace(definition, ""), " ").Trim();

    // An identifier followed by '.' and another identifier that is itself not qualified further nor called:
    // the qualifier of a column reference. Not after FROM or JOIN (a schema-qualified relation name).
    [GeneratedRegex("""(?<!\b(?:FROM|JOIN)\s+|[\w"$.])(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)\.(?=(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)(?!\s*[.(]|[\w$"]))""",
        RegexOptions.IgnoreCase)]
    private static partial Regex ColumnQualifier();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
