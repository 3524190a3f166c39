using System.Text.Json;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>
/// The speed features must not change the result: split tables, small-table batches, index builds overlapped with
/// other tables' loads, keys attached with USING INDEX, and COPY FREEZE each give a target identical to the source.
/// </summary>
[Collection("clusters")]
public sealed class LoadStrategyTests(ClusterPair clusters)
{
    const string Db = "load_strategies";

    const string Schema = """
        CREATE TABLE big_plain (a int, b text, c float8);
        INSERT INTO big_plain SELECT g, repeat(md5(g::text), 2), g / 3.0 FROM generate_series(1, 300000) g;
        DELETE FROM big_plain WHERE a % 7 = 0;

        DO $$ BEGIN FOR i IN 1..12 LOOP
          EXECUTE format('CREATE TABLE tiny_%s (id int PRIMARY KEY, label text)', i);
          EXECUTE format('INSERT INTO tiny_%s SELECT g, %L || g FROM generate_series(1, 10) g', i, 'label ');
        END LOOP; END $$;

        CREATE TABLE big_keyed (id bigint PRIMARY KEY, n int, v text, tiny_id int REFERENCES tiny_1 (id));
        INSERT INTO big_keyed SELECT g * 3 - 150000, g % 1000, md5(g::text), g % 10 + 1 FROM generate_series(1, 100000) g;
        CREATE INDEX big_keyed_n ON big_keyed (n);
        ALTER TABLE tiny_2 ADD COLUMN ref bigint REFERENCES big_keyed (id);
        UPDATE tiny_2 SET ref = id * 3 - 150000;
        -- A key left NOT VALID on the source, with a row that violates it: it must arrive NOT VALID, not fail.
        ALTER TABLE tiny_3 ADD COLUMN k bigint;
        UPDATE tiny_3 SET k = -1 WHERE id = 1;
        ALTER TABLE tiny_3 ADD CONSTRAINT tiny_3_k_fkey FOREIGN KEY (k) REFERENCES big_keyed (id) NOT VALID;
        CREATE TABLE orders (id int PRIMARY KEY, keyed bigint REFERENCES big_keyed (id), plain_ref int REFERENCES tiny_4 (id));
        INSERT INTO orders SELECT g, g * 3 - 150000, g % 10 + 1 FROM generate_series(1, 40000) g;

        CREATE TABLE medium (id int PRIMARY KEY, code text, r int4range, d date NOT NULL,
          CONSTRAINT medium_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED,
          CONSTRAINT medium_no_overlap EXCLUDE USING gist (r WITH &&));
        INSERT INTO medium SELECT g, 'code-' || g || repeat('x', 40), int4range(g * 10, g * 10 + 5), date '2020-01-01' + g
        FROM generate_series(1, 20000) g;
        CREATE UNIQUE INDEX medium_d_desc ON medium (d DESC, id);
        ALTER TABLE medium CLUSTER ON medium_d_desc;
        ALTER TABLE medium REPLICA IDENTITY USING INDEX medium_pkey;
        """;

    [Fact]
    public async Task Overlapped_index_builds_and_freeze_loads_give_an_identical_target()
    {
        await PrepareSourceAsync();
        const string target = "load_overlap";
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {target} WITH (FORCE)");
        var timeline = Path.Combine(PgMoveProcess.StateDir(), "timeline.json");

        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(target),
            "--jobs", "2", "--split-larger-than", "1GB", "--timeline", timeline, "--dir", PgMoveProcess.StateDir());

        Assert.True(result.ExitCode == 0, result.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, Db, clusters.Target, target);
        var items = ReadTimeline(timeline);
        AssertEveryItemStartedAfterItsDependencies(items);
        Assert.DoesNotContain(items, i => i.Id.Contains('#'));
        // An index waits for its own table's rows only, not for the other tables' (big_plain, the longest load, has
        // no index): whether one actually overlaps a load then depends on timing and priorities, the bench shows it.
        var indexes = items.Where(i => i.Kind == "Index").ToList();
        Assert.NotEmpty(indexes);
        foreach (var index in indexes)
            Assert.True(index.Dependencies.Count == 1 && index.Dependencies[0].StartsWith("table:public.") &&
                        index.Dependencies[0] != "table:public.big_plain", $"{index.Id} waits for {string.Join(", ", index.Dependencies)}");
        Assert.Contains("<svg", File.ReadAllText(Path.ChangeExtension(timeline, ".svg")));

        // Whole tables are loaded with COPY FREEZE: every page of them is all-frozen on the target.
        await clusters.Target.ExecuteAsync(target, "CREATE EXTENSION IF NOT EXISTS pg_visibility");
        foreach (var table in new[] { "big_plain", "medium" })
            Assert.True(await clusters.Target.ScalarAsync<bool>(target, $"SELECT bool_and(all_frozen) FROM pg_visibility_map('{table}')"), table);
    }

    [Fact]
    public async Task Split_tables_copy_identically_by_key_ranges_and_by_ctid_ranges()
    {
        await PrepareSourceAsync();
        const string target = "load_split";
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {target} WITH (FORCE)");
        var timeline = Path.Combine(PgMoveProcess.StateDir(), "timeline.json");

        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(target),
            "--jobs", "3", "--split-larger-than", "1MB", "--timeline", timeline, "--dir", PgMoveProcess.StateDir());

        Assert.True(result.ExitCode == 0, result.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, Db, clusters.Target, target);
        var items = ReadTimeline(timeline);
        AssertEveryItemStartedAfterItsDependencies(items);
        foreach (var table in new[] { "big_plain", "big_keyed", "medium" })
        {
            var parts = items.Where(i => i.Id.StartsWith($"table:public.{table}#")).ToList();
            Assert.True(parts.Count >= 2, $"{table} was not split: {string.Join(", ", items.Select(i => i.Id))}");
            Assert.Equal(
                await clusters.Source.ScalarAsync<long>(Db, $"SELECT count(*) FROM {table}"),
                parts.Sum(p => p.Rows));
        }
        Assert.Contains(items, i => i.Id.StartsWith("tables:batch-"));
    }

    [Fact]
    public async Task A_table_small_on_disk_whose_rows_expand_past_the_read_ahead_cap_streams_in_its_batch()
    {
        // 24 MB of COPY text that pglz compresses into well under a megabyte on disk: the table counts as small and is
        // copied in a batch, where the read-ahead keeps at most 8 MB of a table in memory and streams the rest.
        const string db = "load_expanding", target = "load_expanding_copy";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {target} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE before_it (id int PRIMARY KEY, v text);
            INSERT INTO before_it SELECT g, md5(g::text) FROM generate_series(1, 50) g;
            CREATE TABLE expanding (id int PRIMARY KEY, v text);
            INSERT INTO expanding SELECT g, repeat(chr(97 + g % 26), 1000000) FROM generate_series(1, 24) g;
            CREATE TABLE after_it (id int PRIMARY KEY, v text);
            INSERT INTO after_it SELECT g, md5(g::text) FROM generate_series(1, 50) g;
            """);
        Assert.True(await clusters.Source.ScalarAsync<long>(db, "SELECT pg_total_relation_size('expanding')") < 1024 * 1024);
        Assert.True(await clusters.Source.ScalarAsync<long>(db, "SELECT sum(octet_length(v)) FROM expanding") > 16L * 1024 * 1024);
        var timeline = Path.Combine(PgMoveProcess.StateDir(), "timeline.json");

        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(target),
            "--jobs", "1", "--timeline", timeline, "--dir", PgMoveProcess.StateDir());

        Assert.True(result.ExitCode == 0, result.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, target);
        var batch = Assert.Single(ReadTimeline(timeline), i => i.Id.StartsWith("tables:batch-"));
        Assert.Equal(124, batch.Rows); // all three tables in the one batch
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE {db}");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE {target}");
    }

    async Task PrepareSourceAsync()
    {
        if (await clusters.Source.DatabaseExistsAsync(Db)) return;
        await clusters.Source.CreateDatabaseAsync(Db);
        await clusters.Source.ExecuteAsync(Db, Schema);
    }

    internal sealed record TimelineItem(string Id, string Kind, double Start, double End, long Rows, IReadOnlyList<string> Dependencies);

    internal static List<TimelineItem> ReadTimeline(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("items").EnumerateArray().Select(e => new TimelineItem(
            e.GetProperty("id").GetString()!, e.GetProperty("kind").GetString()!, e.GetProperty("start").GetDouble(),
            e.GetProperty("end").GetDouble(), e.GetProperty("rows").GetInt64(),
            e.GetProperty("dependencies").EnumerateArray().Select(d => d.GetString()!).ToList())).ToList();
    }

    static void AssertEveryItemStartedAfterItsDependencies(List<TimelineItem> items)
    {
        var byId = items.ToDictionary(i => i.Id);
        foreach (var item in items)
            foreach (var dependency in item.Dependencies)
                Assert.True(byId[dependency].End <= item.Start + 0.001,
                    $"{item.Id} started at {item.Start} before {dependency} ended at {byId[dependency].End}");
    }
}
