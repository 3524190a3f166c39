using Npgsql;

namespace PgMove.Resume;

/// <summary>
/// The source's cumulative statistics for each table: its file node and its inserted, updated and deleted tuple
/// counters. Read just before the first run's snapshot and again when a resume takes its own, they tell cheaply
/// which tables changed in between. Counters only grow, also for aborted transactions (a false alarm costs a table
/// copied again, never a wrong image); they miss changes when they were reset or lost (a crash discards them), which
/// <see cref="CannotTellWhy"/> reports.
/// </summary>
public sealed record SourceStatistics
{
    /// <summary>pg_postmaster_start_time(): a restart in between may have lost counters (a crash resets them).</summary>
    public required string PostmasterStart { get; init; }
    /// <summary>pg_stat_database.stats_reset of the source database; null when never reset.</summary>
    public string? StatsReset { get; init; }
    /// <summary>track_counts: without it the counters never move.</summary>
    public bool TrackCounts { get; init; }
    /// <summary>Per table (schema.name), and pg_catalog.pg_largeobject for the large objects.</summary>
    public required IReadOnlyDictionary<string, TableCounters> Tables { get; init; }

    /// <summary>The name under which the large objects' table is recorded.</summary>
    public const string LargeObjects = "pg_catalog.pg_largeobject";

    /// <summary>Reads the source's counters now (outside any snapshot: each read sees the latest flushed values).</summary>
    /// <param name="source">A session on the source database.</param>
    /// <param name="ct">Cancels the read.</param>
    public static async Task<SourceStatistics> ReadAsync(NpgsqlConnection source, CancellationToken ct)
    {
        const string sql = """
            SELECT n.nspname || '.' || c.relname, pg_relation_filenode(c.oid)::bigint,
                   coalesce(s.n_tup_ins, 0), coalesce(s.n_tup_upd, 0), coalesce(s.n_tup_del, 0)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
            WHERE (c.relkind IN ('r', 'm') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%')
               OR c.oid IN ('pg_catalog.pg_largeobject'::regclass, 'pg_catalog.pg_largeobject_metadata'::regclass);
            SELECT pg_postmaster_start_time()::text, (SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()),
                   current_setting('track_counts')::bool
            """;
        await using var cmd = new NpgsqlCommand(sql, source);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var tables = new Dictionary<string, TableCounters>();
        while (await reader.ReadAsync(ct))
            tables[reader.GetString(0)] = new TableCounters(reader.IsDBNull(1) ? 0 : reader.GetInt64(1),
                reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return new SourceStatistics
        {
            PostmasterStart = reader.GetString(0),
            StatsReset = reader.IsDBNull(1) ? null : reader.GetString(1),
            TrackCounts = reader.GetBoolean(2),
            Tables = tables,
        };
    }

    /// <summary>Why these counters cannot tell what changed since <paramref name="first"/> was read; null when they can.</summary>
    /// <param name="first">The counters read before the first run's snapshot.</param>
    public string? CannotTellWhy(SourceStatistics first)
    {
        if (!first.TrackCounts || !TrackCounts) return "track_counts is off on the source, so its change counters do not move";
        if (first.PostmasterStart != PostmasterStart)
            return $"the source server restarted since the first run ({first.PostmasterStart} → {PostmasterStart}), and a crash discards its change counters";
        if (first.StatsReset != StatsReset) return $"the source database's statistics were reset since the first run (at {StatsReset})";
        return null;
    }

    /// <summary>The tables among <paramref name="names"/> whose file or counters differ from <paramref name="first"/>'s.</summary>
    /// <param name="first">The counters read before the first run's snapshot.</param>
    /// <param name="names">The tables to look at (schema.name).</param>
    public IReadOnlyList<string> ChangedSince(SourceStatistics first, IEnumerable<string> names) =>
        names.Where(n => !first.Tables.TryGetValue(n, out var before) || !Tables.TryGetValue(n, out var now) || before != now).ToList();
}
