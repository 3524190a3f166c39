using Npgsql;
using PgMove.Errors;
using PgMove.Filters;

namespace PgMove.Catalog;

/// <summary>
/// What the filters (<see cref="FilterOptions"/>) are resolved against: the relations pg_dump's <c>-t</c> matches
/// (tables, partitioned tables, sequences, views, materialized views, foreign tables), the user schemas, and every
/// foreign key. Patterns are matched by the server's own regular expressions, as pg_dump's query matches them.
/// </summary>
public static class RelationCatalog
{
    const string Kinds = "c.relkind IN ('r', 'p', 'S', 'v', 'm', 'f')";

    /// <summary>The user relations, with the owning table of each owned sequence (serial or identity).</summary>
    /// <param name="connection">A source session.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<RelationInfo>> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var sql = $"""
            SELECT c.oid, n.nspname, c.relname, c.relkind::text,
                   coalesce((SELECT d.refobjid FROM pg_depend d
                             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                               AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') AND c.relkind = 'S' LIMIT 1), 0),
                   coalesce((SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid AND c.relispartition), 0)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {Kinds} AND {CatalogScope.UserSchema} AND {CatalogScope.NotExtensionRelation}
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<RelationInfo>();
        while (await reader.ReadAsync(ct))
            result.Add(new RelationInfo(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)[0],
                reader.GetFieldValue<uint>(4), reader.GetFieldValue<uint>(5)));
        return result;
    }

    /// <summary>The user schemas' names.</summary>
    /// <param name="connection">A source session.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<string>> ReadSchemasAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT n.nspname FROM pg_namespace n WHERE {CatalogScope.UserSchema}", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }

    /// <summary>
    /// The relations a table pattern matches. Without a schema part only the relations visible in the session's default
    /// search_path match, as pg_dump (which runs its match after RESET search_path) does.
    /// </summary>
    /// <param name="connection">A source session (its search_path is the user's default).</param>
    /// <param name="pattern">A table pattern.</param>
    /// <param name="option">The option it came with, for a bad regular expression's message.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlySet<uint>> MatchRelationsAsync(NpgsqlConnection connection, NamePattern pattern, string option,
        CancellationToken ct)
    {
        var schema = pattern.Schema is null ? "pg_catalog.pg_table_is_visible(c.oid)" : "n.nspname OPERATOR(pg_catalog.~) @schema COLLATE pg_catalog.default";
        var sql = $"""
            SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {Kinds} AND c.relname OPERATOR(pg_catalog.~) @name COLLATE pg_catalog.default AND {schema}
            """;
        return await MatchAsync(connection, sql, pattern, option, r => r.GetFieldValue<uint>(0), ct);
    }

    /// <summary>The schemas a schema pattern matches.</summary>
    /// <param name="connection">A source session.</param>
    /// <param name="pattern">A schema pattern.</param>
    /// <param name="option">The option it came with.</param>
    /// <param name="ct">Cancels the query.</param>
    public static Task<IReadOnlySet<string>> MatchSchemasAsync(NpgsqlConnection connection, NamePattern pattern, string option,
        CancellationToken ct) =>
        MatchAsync(connection, "SELECT n.nspname FROM pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.~) @name COLLATE pg_catalog.default",
            pattern, option, r => r.GetString(0), ct);

    static async Task<IReadOnlySet<T>> MatchAsync<T>(NpgsqlConnection connection, string sql, NamePattern pattern, string option,
        Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue("name", pattern.Name);
        cmd.Parameters.AddWithValue("schema", pattern.Schema ?? "");
        var result = new HashSet<T>();
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) result.Add(read(reader));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidRegularExpression)
        {
            throw new PgMoveException(ExitCode.Usage, $"{option} {pattern.Text}: not a valid pattern ({e.MessageText})", e);
        }
        return result;
    }

    /// <summary>Every foreign key of a user table (one row per constraint, not per partition): name, table, referenced table.</summary>
    /// <param name="connection">A source session.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<(string Name, uint Table, uint Referenced)>> ReadForeignKeysAsync(NpgsqlConnection connection,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT conname, conrelid, confrelid FROM pg_constraint WHERE contype = 'f' AND conparentid = 0", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string, uint, uint)>();
        while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0), reader.GetFieldValue<uint>(1), reader.GetFieldValue<uint>(2)));
        return result;
    }

    /// <summary>
    /// Plans <c>SELECT … FROM ONLY table WHERE condition</c> without running it, so that a bad --where condition is
    /// refused before anything changes (the refusal ends the run, so an aborted transaction is of no concern).
    /// </summary>
    /// <param name="connection">A source session.</param>
    /// <param name="qualifiedTable">The quoted table name.</param>
    /// <param name="condition">The user's condition.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<string?> ExplainConditionAsync(NpgsqlConnection connection, string qualifiedTable, string condition,
        CancellationToken ct)
    {
        try
        {
            await using var cmd = new NpgsqlCommand($"EXPLAIN SELECT 1 FROM ONLY {qualifiedTable} WHERE ({condition})", connection);
            await cmd.ExecuteNonQueryAsync(ct);
            return null;
        }
        catch (PostgresException e)
        {
            return $"{e.SqlState}: {e.MessageText}";
        }
    }

    /// <summary>
    /// For each row-filtered table of a publication (PostgreSQL 15+): the columns its filter uses that are outside the
    /// table's replica identity. PostgreSQL rejects UPDATE and DELETE on such a table on the source once it is published.
    /// </summary>
    /// <param name="connection">A source session.</param>
    /// <param name="publication">The publication's name.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<(string Table, IReadOnlyList<string> Columns)>> ReadRowFilterColumnsOutsideIdentityAsync(
        NpgsqlConnection connection, string publication, CancellationToken ct)
    {
        const string sql = """
            SELECT format('%s.%s', n.nspname, c.relname), array_agg(a.attname::text ORDER BY a.attnum)
            FROM pg_publication p
            JOIN pg_publication_rel pr ON pr.prpubid = p.oid AND pr.prqual IS NOT NULL
            JOIN pg_class c ON c.oid = pr.prrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL regexp_matches(pr.prqual::text, ':varattno (\d+)', 'g') AS v(m)
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = v.m[1]::int
            WHERE p.pubname = $1 AND c.relreplident <> 'f'
              AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND a.attnum = ANY (i.indkey)
                              AND CASE c.relreplident WHEN 'd' THEN i.indisprimary WHEN 'i' THEN i.indisreplident ELSE false END)
            GROUP BY 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = publication } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string, IReadOnlyList<string>)>();
        while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0), reader.GetFieldValue<string[]>(1).Distinct().ToList()));
        return result;
    }
}
