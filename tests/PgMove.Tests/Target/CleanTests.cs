using PgMove.Tests.Infrastructure;
using PgMove.Tests.Preflight;

namespace PgMove.Tests.Target;

/// <summary>
/// --clean never drops what the source does not have: copy names every object it drops, and refuses (exit 6,
/// nothing dropped) when one of them exists only on the target; check --clean says the same from the same rule.
/// </summary>
[Collection("clusters")]
public sealed class CleanTests(ClusterPair clusters)
{
    async Task PrepareAsync(string db, string sourceSql, string targetSql)
    {
        foreach (var cluster in new[] { clusters.Source, clusters.Target })
        {
            await cluster.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            await cluster.CreateDatabaseAsync(db);
        }
        await clusters.Source.ExecuteAsync(db, sourceSql);
        await clusters.Target.ExecuteAsync(db, targetSql);
    }

    Task<PgMoveProcess.Result> CopyCleanAsync(string db) => PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db),
        "--target", clusters.Target.Uri(db), "--clean", "--dir", PgMoveProcess.StateDir());

    [Fact]
    public async Task A_target_only_table_in_public_makes_clean_refuse_with_its_name_and_nothing_is_dropped()
    {
        const string db = "clean_target_only";
        await PrepareAsync(db, "CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1);",
            "CREATE TABLE orders (id int); INSERT INTO orders VALUES (99); CREATE TABLE ux_important (v text); INSERT INTO ux_important VALUES ('precious');");

        var check = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--clean");
        check.ExpectExit(1);
        var (evidence, _) = check.Expect("target-empty", "fail");
        Assert.Contains("table public.ux_important", evidence);
        Assert.DoesNotContain("table public.orders", evidence);     // the source has it: not the target's own

        var copy = await CopyCleanAsync(db);
        Assert.True(copy.ExitCode == 6, copy.ToString());
        Assert.Contains("--clean refuses", copy.Stderr);
        Assert.Contains("table public.ux_important", copy.Stderr);
        Assert.Equal("precious", await clusters.Target.ScalarAsync<string>(db, "SELECT v FROM ux_important"));
        Assert.Equal(99, await clusters.Target.ScalarAsync<int>(db, "SELECT id FROM orders"));
    }

    [Fact]
    public async Task What_a_cascade_would_take_elsewhere_counts_too()
    {
        // Dropping the source's schema app CASCADE would drop a column of the target's own table other.keep and its view.
        const string db = "clean_cascade";
        await PrepareAsync(db, "CREATE SCHEMA app; CREATE TYPE app.mood AS ENUM ('ok'); CREATE TABLE app.a (id int PRIMARY KEY);",
            """
            CREATE SCHEMA app; CREATE TYPE app.mood AS ENUM ('ok'); CREATE TABLE app.a (id int PRIMARY KEY);
            CREATE SCHEMA other; CREATE TABLE other.keep (id int, m app.mood); CREATE VIEW other.v AS SELECT id FROM app.a;
            """);
        var copy = await CopyCleanAsync(db);
        Assert.True(copy.ExitCode == 6, copy.ToString());
        Assert.Contains("table column other.keep.m", copy.Stderr);
        Assert.Contains("view other.v", copy.Stderr);
        Assert.Equal(1L, await clusters.Target.ScalarAsync<long>(db,
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'other.keep'::regclass AND attname = 'm'"));

        var check = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--clean");
        check.ExpectExit(1);
        Assert.Contains("view other.v", check.Expect("target-empty", "fail").Evidence);
    }

    [Fact]
    public async Task Clean_names_every_object_it_drops_when_the_source_has_them_all_and_replaces_them()
    {
        const string db = "clean_safe";
        const string schema = """
            CREATE SCHEMA app; CREATE TABLE app.a (id int PRIMARY KEY); CREATE TYPE mood AS ENUM ('ok');
            CREATE TABLE orders (id int PRIMARY KEY, m mood); CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS 'SELECT 1';
            SELECT lo_from_bytea(424242, 'content');
            CREATE PUBLICATION clean_pub FOR TABLE orders;
            """;
        await PrepareAsync(db, schema + "INSERT INTO orders VALUES (1, 'ok');",
            schema.Replace("'content'", "'stale'") + "INSERT INTO orders VALUES (2, 'ok');");
        var check = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--clean");
        check.ExpectExit(0);
        var fix = check.Expect("target-empty", "warn").Fix!;

        var copy = await CopyCleanAsync(db);
        Assert.True(copy.ExitCode == 0, copy.ToString());
        foreach (var name in new[] { "schema app", "table app.a", "table public.orders", "type public.mood", "function public.f(integer)", "large object 424242", "publication clean_pub" })
        {
            Assert.Contains(name, copy.Stdout);
            Assert.Contains(name, fix);
        }
        Assert.Equal(1, await clusters.Target.ScalarAsync<int>(db, "SELECT id FROM orders"));
        Assert.Equal("content", await clusters.Target.ScalarAsync<string>(db, "SELECT convert_from(lo_get(424242), 'UTF8')"));
        Assert.Equal("public.orders", await clusters.Target.ScalarAsync<string>(db, "SELECT string_agg(schemaname || '.' || tablename, ',') FROM pg_publication_tables WHERE pubname = 'clean_pub'"));
    }

    [Fact]
    public async Task A_target_only_large_object_makes_clean_refuse()
    {
        const string db = "clean_lo";
        await PrepareAsync(db, "CREATE TABLE t (id int PRIMARY KEY);", "CREATE TABLE t (id int); SELECT lo_from_bytea(515151, 'mine');");
        var copy = await CopyCleanAsync(db);
        Assert.True(copy.ExitCode == 6, copy.ToString());
        Assert.Contains("large object 515151", copy.Stderr);
        Assert.Equal("mine", await clusters.Target.ScalarAsync<string>(db, "SELECT convert_from(lo_get(515151), 'UTF8')"));
    }

    [Fact]
    public async Task Clean_of_thousands_of_tables_and_large_objects_fits_the_lock_table()
    {
        // The fixture's lock table holds about 5,000 locks: 2,000 tables with a key and a TOAST table (4 locks each) in
        // one DROP SCHEMA, or 6,000 large objects in one transaction, overflow it (53200) unless dropped in batches.
        const string db = "clean_many";
        foreach (var cluster in new[] { clusters.Source, clusters.Target })
        {
            await cluster.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            await cluster.CreateDatabaseAsync(db);
            foreach (var sql in Copy.ManyTablesCopyTests.ManyTables(1, 2000)) await cluster.ExecuteAsync(db, sql);
            await cluster.ExecuteAsync(db, "SELECT count(lo_create(g)) FROM generate_series(900001, 906000) g");
        }
        await clusters.Source.ExecuteAsync(db, "INSERT INTO tenant1.t7 VALUES (7, 'seven')");
        await clusters.Target.ExecuteAsync(db, "INSERT INTO tenant1.t7 VALUES (70, 'stale')");

        var copy = await CopyCleanAsync(db);

        Assert.True(copy.ExitCode == 0, copy.ToString());
        Assert.Contains("unlinked 6000 large object(s)", copy.Stdout);
        Assert.Contains(" more", copy.Stdout);   // the notice names the first objects, not all 10,000
        Assert.Equal("seven", await clusters.Target.ScalarAsync<string>(db, "SELECT string_agg(v, ',') FROM tenant1.t7"));
        Assert.Equal(2000L, await clusters.Target.ScalarAsync<long>(db,
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'tenant1'::regnamespace AND relkind = 'r'"));
        Assert.Equal(6000L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pg_largeobject_metadata"));
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE {db} WITH (FORCE)");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE {db} WITH (FORCE)");
    }
}
