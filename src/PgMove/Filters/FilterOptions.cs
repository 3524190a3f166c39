using PgMove.Errors;

namespace PgMove.Filters;

/// <summary>
/// What to move, named as pg_dump names it: <c>--schema</c>/<c>--exclude-schema</c>, <c>--table</c>/<c>--exclude-table</c>,
/// <c>--exclude-table-data</c> (patterns, see <see cref="NamePattern"/>) and <c>--where TABLE=CONDITION</c>.
/// </summary>
public sealed record FilterOptions
{
    /// <summary>--schema patterns.</summary>
    public IReadOnlyList<string> Schemas { get; init; } = [];
    /// <summary>--exclude-schema patterns.</summary>
    public IReadOnlyList<string> ExcludeSchemas { get; init; } = [];
    /// <summary>--table patterns.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];
    /// <summary>--exclude-table patterns.</summary>
    public IReadOnlyList<string> ExcludeTables { get; init; } = [];
    /// <summary>--exclude-table-data patterns.</summary>
    public IReadOnlyList<string> ExcludeTableData { get; init; } = [];
    /// <summary>--where values, each TABLE=CONDITION.</summary>
    public IReadOnlyList<string> Where { get; init; } = [];

    /// <summary>No filter given: everything moves.</summary>
    public bool IsEmpty => Schemas.Count + ExcludeSchemas.Count + Tables.Count + ExcludeTables.Count + ExcludeTableData.Count + Where.Count == 0;

    /// <summary>--schema or --table given: as for pg_dump, only what they select moves (no extensions, no large objects).</summary>
    public bool HasIncludes => Schemas.Count + Tables.Count > 0;

    /// <summary>The --where values split at their first '=' (the table part may be quoted and hold '=').</summary>
    public IReadOnlyList<(NamePattern Table, string Condition)> WhereClauses() => Where.Select(w =>
    {
        var at = EqualsOutsideQuotes(w);
        if (at <= 0 || string.IsNullOrWhiteSpace(w[(at + 1)..]))
            throw new PgMoveException(ExitCode.Usage, $"--where {w}: expected TABLE=CONDITION, e.g. --where 'public.orders=created_at >= now() - interval ''30 days'''");
        return (NamePattern.ForTable(w[..at].Trim(), "--where"), w[(at + 1)..].Trim());
    }).ToList();

    static int EqualsOutsideQuotes(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (text[i] == '=' && !quoted) return i;
        }
        return -1;
    }

    /// <summary>The options as given, for the run's fingerprint and reports ("" when none).</summary>
    public string Describe() => string.Join(" ", new[]
    {
        ("--schema", Schemas), ("--exclude-schema", ExcludeSchemas), ("--table", Tables), ("--exclude-table", ExcludeTables),
        ("--exclude-table-data", ExcludeTableData), ("--where", Where),
    }.SelectMany(o => o.Item2.Select(v => $"{o.Item1} '{v}'")));
}
