using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Filters;

/// <summary>copy with filters moves exactly the selected tables, rows and sequences, and refuses what cannot move whole.</summary>
[Collection("clusters")]
public sealed class FilterCopyTests(ClusterPair clusters)
{
    public const string SourceSql = """
        CREATE SCHEMA app;
        CREATE SCHEMA archive;
        CREATE TABLE app.customers (id serial PRIMARY KEY, name text);
        CREATE TABLE app.orders (id bigserial PRIMARY KEY, customer int REFERENCES app.customers, amount int);
        CREATE INDEX orders_amount ON app.orders (amount);
        CREATE TABLE app."Audit" (id serial PRIMARY KEY, what text);
        CREATE TABLE app.notes (id serial PRIMARY KEY, body text);
        CREATE SEQUENCE app.ticket_seq;
        CREATE TABLE archive.old_orders (id int PRIMARY KEY, amount int);
        CREATE TABLE public.settings (k text PRIMARY KEY, v text);
        CREATE TABLE public.notes (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);
        INSERT INTO app.customers (name) SELECT 'c' || g FROM generate_series(1, 100) g;
        INSERT INTO app.orders (customer, amount) SELECT 1 + g % 100, g % 100 FROM generate_series(1, 1000) g;
        INSERT INTO app."Audit" (what) SELECT 'a' || g FROM generate_series(1, 10) g;
        INSERT INTO app.notes (body) SELECT 'n' || g FROM generate_series(1, 20) g;
        SELECT setval('app.ticket_seq', 77);
        INSERT INTO archive.old_orders SELECT g, g FROM generate_series(1, 30) g;
        INSERT INTO public.settings VALUES ('a', '1'), ('b', '2');
        INSERT INTO public.notes (body) SELECT 'p' || g FROM generate_series(1, 5) g;
        """;

    public static async Task<string> PrepareAsync(PostgresCluster cluster, string db)
    {
        await cluster.CreateDatabaseAsync(db);
        await cluster.ExecuteAsync(db, SourceSql);
        return db;
    }

    /// <summary>The tables with their row counts and the sequences with their values, as one sorted line.</summary>
    public static async Task<string> ContentAsync(PostgresCluster cluster, string db) =>
        await cluster.ScalarAsync<string>(db, """
            SELECT coalesce(string_agg(x, ' ' ORDER BY x), '') FROM (
              SELECT format('%s.%s=%s', n.nspname, c.relname,
                     CASE c.relkind WHEN 'S' THEN (xpath('//l/text()', query_to_xml(format('SELECT last_value AS l FROM %I.%I', n.nspname, c.relname), false, false, '')))[1]::text
                     ELSE (xpath('//c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, false, '')))[1]::text END) AS x
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%') s
            """);

    async Task<(PgMoveProcess.Result Result, string Content)> CopyAsync(string db, params string[] filters)
    {
        await PrepareAsync(clusters.Source, db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var result = await PgMoveProcess.RunAsync(["copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--dir", PgMoveProcess.StateDir(), .. filters]);
        var content = result.ExitCode == 0 ? await ContentAsync(clusters.Target, db) : "";
        return (result, content);
    }

    [Fact]
    public async Task Schema_moves_one_schema_with_its_rows_and_sequences()
    {
        var (result, content) = await CopyAsync("flt_schema", "--schema", "app");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("app.Audit=10 app.Audit_id_seq=10 app.customers=100 app.customers_id_seq=100 app.notes=20 app.notes_id_seq=20 " +
                     "app.orders=1000 app.orders_id_seq=1000 app.ticket_seq=77", content);
    }

    [Fact]
    public async Task Exclusions_leave_out_a_schema_and_a_table_with_its_owned_sequence()
    {
        var (result, content) = await CopyAsync("flt_exclude", "--exclude-schema", "archive", "--exclude-table", "app.notes");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("app.Audit=10 app.Audit_id_seq=10 app.customers=100 app.customers_id_seq=100 app.orders=1000 app.orders_id_seq=1000 " +
                     "app.ticket_seq=77 public.notes=5 public.notes_id_seq=5 public.settings=2", content);
    }

    [Fact]
    public async Task Unqualified_table_patterns_match_in_the_search_path_only_and_quotes_keep_case()
    {
        // "notes" names public.notes (visible), not app.notes; "SETTINGS" folds to settings.
        var (result, content) = await CopyAsync("flt_table", "--table", "notes", "--table", "SETTINGS", "--exclude-table", "\"Settings\"");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("public.notes=5 public.notes_id_seq=5 public.settings=2", content);
    }

    [Fact]
    public async Task Exclude_table_data_moves_the_table_empty_with_its_keys()
    {
        var (result, content) = await CopyAsync("flt_nodata", "--schema", "app", "--exclude-table-data", "app.orders");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("app.orders=0 app.orders_id_seq=1000", content);
        Assert.Contains("app.customers=100", content);
        Assert.Equal(2L, await clusters.Target.ScalarAsync<long>("flt_nodata",
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'app.orders'::regclass AND contype IN ('p', 'f')"));
        Assert.True(await clusters.Target.ScalarAsync<bool>("flt_nodata", "SELECT to_regclass('app.orders_amount') IS NOT NULL"));
    }

    [Fact]
    public async Task Where_moves_only_the_rows_it_selects_and_verify_finds_them_equal_to_the_filtered_source()
    {
        var (result, content) = await CopyAsync("flt_where", "--schema", "app", "--where", "app.orders=amount >= 90 AND customer <> 5");
        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = await clusters.Source.ScalarAsync<long>("flt_where", "SELECT count(*) FROM app.orders WHERE amount >= 90 AND customer <> 5");
        Assert.Equal(100L, expected);
        Assert.Contains($"app.orders={expected} ", content);
        Assert.Equal(await clusters.Source.ScalarAsync<string>("flt_where",
                "SELECT string_agg(id::text, ',' ORDER BY id) FROM app.orders WHERE amount >= 90 AND customer <> 5"),
            await clusters.Target.ScalarAsync<string>("flt_where", "SELECT string_agg(id::text, ',' ORDER BY id) FROM app.orders"));

        // verify with the same filters compares the moved rows with the filtered source: equal; then a changed row shows.
        string[] verify = ["verify", "--source", clusters.Source.Uri("flt_where"), "--target", clusters.Target.Uri("flt_where"),
            "--schema", "app", "--where", "app.orders=amount >= 90 AND customer <> 5"];
        var equal = await PgMoveProcess.RunAsync(verify);
        Assert.True(equal.ExitCode == 0, equal.ToString());
        Assert.Contains("only the selected relations are compared", equal.Output);
        await clusters.Target.ExecuteAsync("flt_where", "INSERT INTO app.orders (customer, amount) VALUES (1, 1)");
        var extra = await PgMoveProcess.RunAsync(verify);
        Assert.True(extra.ExitCode == 1, extra.ToString());
        Assert.Contains("app.orders", extra.Output);
        // Without the filters, the tables left out and the rows not moved are differences.
        var whole = await PgMoveProcess.RunAsync("verify", "--source", clusters.Source.Uri("flt_where"), "--target", clusters.Target.Uri("flt_where"));
        Assert.True(whole.ExitCode == 1, whole.ToString());
        Assert.Contains("public.settings", whole.Output);
    }

    [Fact]
    public async Task Where_on_a_partitioned_table_filters_every_partition_at_any_depth()
    {
        const string db = "flt_where_parts";
        await PrepareAsync(clusters.Source, db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE app.events (id int, at date, kind text, v int, PRIMARY KEY (id, at, kind)) PARTITION BY RANGE (at);
            CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (kind);
            CREATE TABLE app.events_2025_a PARTITION OF app.events_2025 FOR VALUES IN ('a');
            CREATE TABLE app.events_2025_rest PARTITION OF app.events_2025 DEFAULT;
            INSERT INTO app.events SELECT g, date '2024-06-01' + g / 2, CASE WHEN g % 3 = 0 THEN 'a' ELSE 'b' END, g % 10
            FROM generate_series(1, 600) g;
            """);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        string[] filters = ["--schema", "app", "--where", "app.events=v >= 7"];
        var result = await PgMoveProcess.RunAsync(["copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--dir", PgMoveProcess.StateDir(), "--verify", .. filters]);

        Assert.True(result.ExitCode == 0, result.ToString());
        const string rows = "SELECT string_agg(tableoid::regclass || ':' || id, ',' ORDER BY id) FROM app.events";
        var expected = await clusters.Source.ScalarAsync<string>(db, rows.Replace("FROM app.events", "FROM app.events WHERE v >= 7"));
        Assert.Equal(expected, await clusters.Target.ScalarAsync<string>(db, rows));
        foreach (var leaf in new[] { "events_2024", "events_2025_a", "events_2025_rest" })
            Assert.Contains($"app.{leaf}:", expected);          // every leaf had rows to filter
        Assert.Equal(180L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM app.events"));
        // The other tables move whole.
        Assert.Equal(1000L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM app.orders"));
        var verify = await PgMoveProcess.RunAsync(["verify", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), .. filters]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Copy_with_verify_compares_only_what_the_filters_moved()
    {
        var (result, _) = await CopyAsync("flt_verify", "--exclude-schema", "archive", "--exclude-table-data", "app.notes",
            "--exclude-table", "public.*", "--verify");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("only the selected relations are compared", result.Output);
    }

    [Fact]
    public async Task Foreign_keys_crossing_the_selection_are_refused_before_anything_is_created()
    {
        var (result, _) = await CopyAsync("flt_fk", "--exclude-table", "app.customers");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("orders_customer_fkey on app.orders → app.customers: the referenced table is not moved", result.Output);
        Assert.False(await clusters.Target.DatabaseExistsAsync("flt_fk"));
        var (data, _) = await CopyAsync("flt_fk", "--exclude-table-data", "app.customers");
        Assert.True(data.ExitCode == 2, data.ToString());
        Assert.Contains("moved without its rows", data.Output);
    }

    [Fact]
    public async Task Check_reports_the_selection_and_fails_on_what_copy_refuses()
    {
        const string db = "flt_check";
        await PrepareAsync(clusters.Source, db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var ok = await PgMove.Tests.Preflight.CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--schema", "app", "--exclude-table-data", "app.notes");
        Assert.Contains("9 of 13 relations selected (1 without rows, 0 with --where)", ok.Expect("filters", "ok").Evidence);
        var crossing = await PgMove.Tests.Preflight.CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--exclude-table", "app.customers");
        crossing.ExpectExit(1);
        Assert.Contains("orders_customer_fkey on app.orders → app.customers", crossing.Expect("filters", "fail").Evidence);
    }

    [Theory]
    [InlineData("--table", "\"unterminated", "unterminated double quote")]
    [InlineData("--table", "nosuch*", "no matching tables were found")]
    [InlineData("--schema", "other_db.app", "cross-database references")]
    [InlineData("--table", "app.(", "not a valid pattern")]
    [InlineData("--where", "app.*=true", "must match exactly one table")]
    [InlineData("--where", "app.orders=nosuchcolumn > 1", "the source cannot run the condition")]
    public async Task Bad_filters_are_usage_errors_and_change_nothing(string option, string value, string message)
    {
        var (result, _) = await CopyAsync("flt_bad", option, value);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Output);
        Assert.False(await clusters.Target.DatabaseExistsAsync("flt_bad"));
    }
}
