using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Resume;

/// <summary>
/// The source the resume tests copy: a big table (its COPY lasts long enough to be killed in), many small ones
/// referencing each other and it, indexes, a partitioned table, large objects, a sequence and a materialized view.
/// </summary>
internal static class ResumeFixture
{
    public const string Db = "resume_src";

    public static async Task CreateSourceAsync(PostgresCluster source)
    {
        if (await source.DatabaseExistsAsync(Db)) return;
        await source.CreateDatabaseAsync(Db);
        var small = string.Join("\n", Enumerable.Range(1, 30).Select(i => $"""
            CREATE TABLE small_{i} (id int PRIMARY KEY, big_id int REFERENCES big (id), v text UNIQUE);
            INSERT INTO small_{i} SELECT g, g * {i}, 'v' || g FROM generate_series(1, {50 + i}) g;
            CREATE INDEX ON small_{i} (big_id);
            """));
        await source.ExecuteAsync(Db, $"""
            CREATE TABLE big (id int PRIMARY KEY, payload text, n bigint);
            INSERT INTO big SELECT g, repeat(md5(g::text), 4), g * 7 FROM generate_series(1, 400000) g;
            CREATE INDEX big_payload ON big (payload);
            CREATE INDEX big_n ON big (n);
            CREATE TABLE mid (id int PRIMARY KEY, big_id int NOT NULL REFERENCES big (id), t text);
            INSERT INTO mid SELECT g, (g % 400000) + 1, md5(g::text) FROM generate_series(1, 1200000) g; -- its foreign key's check lasts long enough to be killed in
            CREATE INDEX ON mid (t);
            {small}
            CREATE TABLE events (id int, at date NOT NULL, what text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
            CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
            CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            INSERT INTO events SELECT g, date '2023-01-01' + g % 700, md5(g::text) FROM generate_series(1, 20000) g;
            CREATE INDEX ON events (what);
            CREATE SEQUENCE counter; SELECT setval('counter', 4242);
            CREATE MATERIALIZED VIEW small_totals AS SELECT count(*) AS n FROM small_1;
            SELECT lo_from_bytea(0, convert_to(repeat('large object ' || g, 5000), 'UTF8')) FROM generate_series(1, 5) g;
            """);
    }

    /// <summary>Every large object's OID and the md5 of its contents, in order.</summary>
    public static Task<string> LargeObjectsAsync(PostgresCluster cluster, string database) =>
        cluster.ScalarAsync<string>(database,
            "SELECT coalesce(string_agg(oid || ':' || md5(lo_get(oid)), ',' ORDER BY oid), '') FROM pg_largeobject_metadata");

    public static async Task AssertCopiedAsync(ClusterPair clusters, string target)
    {
        await DatabaseComparer.AssertEqualAsync(clusters.Source, Db, clusters.Target, target);
        Assert.Equal(await LargeObjectsAsync(clusters.Source, Db), await LargeObjectsAsync(clusters.Target, target));
    }

    public static string[] Copy(ClusterPair clusters, string target, string dir, params string[] extra) =>
        ["copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(target), "--jobs", "2", "--dir", dir, .. extra];

    /// <summary>Starts a copy and kills it (SIGKILL) once its output shows <paramref name="marker"/>, after <paramref name="delay"/>.</summary>
    /// <returns>The killed run's output.</returns>
    public static async Task<string> KillDuringAsync(ClusterPair clusters, string target, string dir, string marker, TimeSpan delay,
        params string[] extra)
    {
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {target} WITH (FORCE)");
        using var copy = BackgroundPgMove.Start(Copy(clusters, target, dir, extra));
        await copy.WaitForOutputAsync(marker, TimeSpan.FromMinutes(2));
        await Task.Delay(delay);
        Assert.False(copy.HasExited, $"the copy ended before the kill after '{marker}':\n{copy.Output}");
        copy.Kill9();
        // On a loaded machine the kill can land after the run finished: then there is nothing to resume.
        Assert.DoesNotContain("\"finished\"", File.ReadAllText(Path.Combine(dir, "manifest.json")));
        return copy.Output;
    }

    /// <summary>
    /// Waits until no server backend of a killed run still works on <paramref name="database"/>: a statement a killed
    /// pgmove sent (an index build, say) runs on and commits after the kill, so a test that snapshots the target must
    /// wait for it first (a resume waits for them itself).
    /// </summary>
    public static async Task WaitForKilledRunSessionsAsync(PostgresCluster target, string database)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (await target.ScalarAsync<long>("postgres",
                   $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND application_name LIKE 'pgmove%'") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"sessions of the killed run still work on {database} after 2 minutes");
            await Task.Delay(200);
        }
    }
}
