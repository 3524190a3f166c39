using System.Text.RegularExpressions;
using PgMove.Catalog;
using PgMove.Sql;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>
/// The dumped database's properties, read from the archive's DATABASE entry (pg_dump's CREATE DATABASE … WITH
/// TEMPLATE = template0 ENCODING = '…' LOCALE_PROVIDER = … LOCALE = '…') and its ENCODING entry, in the form the copy
/// creates a target database from.
/// </summary>
public static partial class DumpedDatabase
{
    [GeneratedRegex(@"\b([A-Z_]+) = (?:'((?:[^']|'')*)'|([A-Za-z0-9_]+))")]
    private static partial Regex Option();

    [GeneratedRegex(@"client_encoding = '([^']*)'")]
    private static partial Regex ClientEncoding();

    /// <summary>The database as the archive describes it; C locale and the archive's encoding when it has no DATABASE entry.</summary>
    /// <param name="toc">The archive's table of contents.</param>
    /// <param name="estimatedBytes">What the database is expected to weigh, for the target's tuning.</param>
    public static DatabaseInfo Read(PgDumpToc toc, long estimatedBytes)
    {
        var encodingEntry = toc.OfType("ENCODING").FirstOrDefault()?.Definition ?? "";
        var encoding = ClientEncoding().Match(encodingEntry) is { Success: true } m ? m.Groups[1].Value : "UTF8";
        var database = toc.OfType("DATABASE").FirstOrDefault();
        var options = new Dictionary<string, string>();
        if (database is not null)
            foreach (Match option in Option().Matches(database.Definition))
                options[option.Groups[1].Value] = option.Groups[2].Success ? option.Groups[2].Value.Replace("''", "'") : option.Groups[3].Value;
        var locale = options.GetValueOrDefault("LOCALE");
        var provider = options.GetValueOrDefault("LOCALE_PROVIDER") switch
        {
            "icu" => 'i',
            "builtin" => 'b',
            _ => 'c',
        };
        return new DatabaseInfo(
            toc.DatabaseName,
            options.GetValueOrDefault("ENCODING") ?? encoding,
            options.GetValueOrDefault("LC_COLLATE") ?? locale ?? "C",
            options.GetValueOrDefault("LC_CTYPE") ?? locale ?? "C",
            provider,
            options.GetValueOrDefault("ICU_LOCALE") ?? options.GetValueOrDefault("BUILTIN_LOCALE") ?? (provider == 'c' ? null : locale),
            database?.Owner ?? "",
            [],
            estimatedBytes);
    }

    /// <summary>
    /// The archive's database-level statements (DATABASE PROPERTIES: ALTER DATABASE … SET, connection limit; the
    /// database's COMMENT), which pg_restore runs only with --create, naming <paramref name="target"/> instead of the
    /// dumped database.
    /// </summary>
    /// <param name="toc">The archive's table of contents.</param>
    /// <param name="target">The target database's name.</param>
    public static IReadOnlyList<string> PropertyStatements(PgDumpToc toc, string target)
    {
        var entries = toc.OfType("DATABASE PROPERTIES").Concat(toc.OfType("COMMENT").Where(e => e.Tag == $"DATABASE {toc.DatabaseName}"));
        var statements = new List<string>();
        foreach (var line in entries.SelectMany(e => e.Definition.Split(";\n", StringSplitOptions.RemoveEmptyEntries)))
            if (Rename(line.Trim(), toc.DatabaseName, target) is { } statement) statements.Add(statement);
        return statements;
    }

    /// <summary>The statement naming <paramref name="target"/>, as pg_dump's fmtId wrote the name (bare or quoted); null for another statement.</summary>
    static string? Rename(string line, string name, string target)
    {
        foreach (var form in new[] { Quote.Ident(name), name })
        {
            foreach (var prefix in new[] { "ALTER DATABASE ", "COMMENT ON DATABASE " })
                if (line.StartsWith(prefix + form + " ", StringComparison.Ordinal))
                    return prefix + Quote.Ident(target) + line[(prefix.Length + form.Length)..];
            // A role's settings in this database (pg_dump 11+ writes them in DATABASE PROPERTIES).
            var inDatabase = line.IndexOf($" IN DATABASE {form} ", StringComparison.Ordinal);
            if (line.StartsWith("ALTER ROLE ", StringComparison.Ordinal) && inDatabase > 0)
                return line[..inDatabase] + $" IN DATABASE {Quote.Ident(target)} " + line[(inDatabase + $" IN DATABASE {form} ".Length)..];
        }
        return null;
    }
}
