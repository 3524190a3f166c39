using Npgsql;
using PgMove.Catalog;
using PgMove.Errors;
using PgMove.Sql;

namespace PgMove.Filters;

/// <summary>
/// Resolves the filters against the source catalog into the run's <see cref="Selection"/>, and refuses, before anything
/// changes, what pg_dump would refuse (an include list matching nothing, another database named) and what cannot be
/// moved consistently (a foreign key crossing the selection's edge, a --where that does not name one table or whose
/// condition the source cannot plan).
/// </summary>
public static class SelectionReader
{
    /// <summary>Reads the selection; <see cref="Selection.Everything"/> without filters (no query is run).</summary>
    /// <param name="connection">A source session with the user's default search_path.</param>
    /// <param name="filters">The options.</param>
    /// <param name="database">The source database's name (pattern database parts must name it).</param>
    /// <param name="ct">Cancels the queries.</param>
    public static async Task<Selection> ReadAsync(NpgsqlConnection connection, FilterOptions filters, string database, CancellationToken ct)
    {
        if (filters.IsEmpty) return Selection.Everything;
        var (relations, selection) = await ResolveAsync(connection, filters, database, ct);
        var crossing = selection.CrossingForeignKeys(await RelationCatalog.ReadForeignKeysAsync(connection, ct), relations);
        if (crossing.Count > 0)
            throw new PgMoveException(ExitCode.Usage,
                $"{crossing.Count} foreign key(s) cross the edge of what the filters select, and would fail on the target: " +
                string.Join("; ", crossing) + ". Select both tables of each (or exclude both), or drop the foreign key on the source first; nothing was changed");
        foreach (var r in relations.Where(r => selection.WhereOf(r.Oid) is not null))
            if (await RelationCatalog.ExplainConditionAsync(connection, Quote.Qualified(r.Schema, r.Name), selection.WhereOf(r.Oid)!, ct) is { } error)
                throw new PgMoveException(ExitCode.Usage, $"--where {r.Schema}.{r.Name}=…: the source cannot run the condition ({error}); nothing was changed");
        return selection;
    }

    /// <summary>The selection and the relations it was resolved against, without the foreign-key and condition checks.</summary>
    /// <param name="connection">A source session.</param>
    /// <param name="filters">The options.</param>
    /// <param name="database">The source database's name.</param>
    /// <param name="ct">Cancels the queries.</param>
    public static async Task<(IReadOnlyList<RelationInfo> Relations, Selection Selection)> ResolveAsync(NpgsqlConnection connection,
        FilterOptions filters, string database, CancellationToken ct)
    {
        var relations = await RelationCatalog.ReadAsync(connection, ct);
        var known = relations.Select(r => r.Oid).ToHashSet();
        var includeSchemas = filters.Schemas.Count == 0 ? null : await SchemasAsync(connection, filters.Schemas, "--schema", database, ct);
        if (includeSchemas is { Count: 0 }) throw new PgMoveException(ExitCode.Usage, "--schema: no matching schemas were found; nothing was changed");
        var includeTables = filters.Tables.Count == 0 ? null : await RelationsAsync(connection, filters.Tables, "--table", database, known, ct);
        if (includeTables is { Count: 0 }) throw new PgMoveException(ExitCode.Usage, "--table: no matching tables were found; nothing was changed");
        var where = new List<(NamePattern, IReadOnlySet<uint>, string)>();
        foreach (var (pattern, condition) in filters.WhereClauses())
        {
            pattern.CheckDatabase(database, "--where");
            where.Add((pattern, await RelationCatalog.MatchRelationsAsync(connection, pattern, "--where", ct), condition));
        }
        var matches = new Selection.Matches(includeSchemas, await SchemasAsync(connection, filters.ExcludeSchemas, "--exclude-schema", database, ct),
            includeTables, await RelationsAsync(connection, filters.ExcludeTables, "--exclude-table", database, known, ct),
            await RelationsAsync(connection, filters.ExcludeTableData, "--exclude-table-data", database, known, ct), where);
        return (relations, Selection.Resolve(filters, relations, matches));
    }

    static async Task<IReadOnlySet<string>> SchemasAsync(NpgsqlConnection connection, IReadOnlyList<string> patterns, string option,
        string database, CancellationToken ct)
    {
        var result = new HashSet<string>();
        foreach (var text in patterns)
        {
            var pattern = NamePattern.ForSchema(text, option);
            pattern.CheckDatabase(database, option);
            result.UnionWith(await RelationCatalog.MatchSchemasAsync(connection, pattern, option, ct));
        }
        return result;
    }

    static async Task<IReadOnlySet<uint>> RelationsAsync(NpgsqlConnection connection, IReadOnlyList<string> patterns, string option,
        string database, HashSet<uint> known, CancellationToken ct)
    {
        var result = new HashSet<uint>();
        foreach (var text in patterns)
        {
            var pattern = NamePattern.ForTable(text, option);
            pattern.CheckDatabase(database, option);
            result.UnionWith((await RelationCatalog.MatchRelationsAsync(connection, pattern, option, ct)).Where(known.Contains));
        }
        return result;
    }
}
