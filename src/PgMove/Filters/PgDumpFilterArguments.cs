namespace PgMove.Filters;

/// <summary>
/// The filters as pg_dump arguments, so that the schema dump selects what pgmove's own catalog reads select: the
/// user's patterns passed on as they are (pg_dump reads them by the same rules, <see cref="NamePattern"/>), plus exact
/// <c>--exclude-table</c> patterns (<see cref="ExactPatterns"/>) for the owned sequences whose table is not moved (pg_dump would dump it on its own).
/// </summary>
public static class PgDumpFilterArguments
{
    /// <summary>The arguments; none without filters.</summary>
    /// <param name="selection">The run's selection.</param>
    public static IReadOnlyList<string> Of(Selection selection)
    {
        if (selection.IsEverything) return [];
        var f = selection.Filters;
        return f.Schemas.Select(p => $"--schema={p}")
            .Concat(f.ExcludeSchemas.Select(p => $"--exclude-schema={p}"))
            .Concat(f.Tables.Select(p => $"--table={p}"))
            .Concat(f.ExcludeTables.Select(p => $"--exclude-table={p}"))
            .Concat(f.ExcludeTableData.Select(p => $"--exclude-table-data={p}"))
            .Concat(ExactPatterns.Of(selection.ExcludedOwnedSequences.Select(s => (s.Schema, s.Name))).Select(p => $"--exclude-table={p}"))
            .ToList();
    }
}
