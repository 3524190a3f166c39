using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>copy --dry-run prints the plan and changes nothing: no database, no role, no file, nothing on the source.</summary>
[Collection("clusters")]
public sealed class DryRunTests(ClusterPair clusters)
{
    const string Db = "dry_run_src";

    async Task PrepareSourceAsync()
    {
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {Db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(Db);
        await clusters.Source.ExecuteAsync("postgres",
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dry_run_owner') THEN CREATE ROLE dry_run_owner; END IF; END $$");
        await clusters.Source.ExecuteAsync(Db, """
            CREATE TABLE customers (id int PRIMARY KEY, name text);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer int REFERENCES customers, note text);
            CREATE INDEX orders_customer ON orders (customer);
            INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 100) g;
            INSERT INTO orders SELECT g, 1 + g % 100, repeat('x', 200) FROM generate_series(1, 20000) g;
            ALTER TABLE orders OWNER TO dry_run_owner;
            """);
    }

    /// <summary>What a run could change on a server: databases, roles, slots, publications, and the source database's schema and rows.</summary>
    async Task<string> ServerStateAsync(PostgresCluster cluster, string? db) =>
        await cluster.ScalarAsync<string>("postgres",
            "SELECT (SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database) || '|' || " +
            "(SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles) || '|' || " +
            "(SELECT count(*) FROM pg_replication_slots) || '|' || current_setting('max_wal_size')") +
        (db is null ? "" : DatabaseComparer.SchemaDump(cluster, db) + string.Join(";", (await DatabaseComparer.ContentAsync(cluster, db)).Values) +
                           await cluster.ScalarAsync<long>(db, "SELECT count(*) FROM pg_publication"));

    [Fact]
    public async Task Dry_run_prints_items_order_sessions_and_creates_nothing()
    {
        await PrepareSourceAsync();
        const string target = "dry_run_never_created";
        var sourceBefore = await ServerStateAsync(clusters.Source, Db);
        var targetBefore = await ServerStateAsync(clusters.Target, null);
        var dir = PgMoveProcess.StateDir();

        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(target),
            "--dry-run", "--roles", "--tune-target", "--jobs", "3", "--dir", dir);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        Assert.Contains($"\"{target}\" would be created (encoding UTF8", result.Stdout);
        Assert.Contains("sessions: --jobs 3, --index-jobs 3: at most 8 on the source, 12 on the target", result.Stdout);
        // Numbered items, each after what it waits for: the orders copy after the pre-data restore, its index after its copy.
        int Number(string label) => int.Parse(lines.Single(l => l.TrimEnd().EndsWith(label) || l.Contains(label + "  (after")).Trim().Split(' ')[0]);
        var preData = Number("restore pre-data");
        var copyOrders = lines.Single(l => l.Contains("copy public.orders"));
        Assert.Contains($"(after {preData})", copyOrders);
        var index = lines.Single(l => l.Contains("index orders_customer on public.orders"));
        Assert.Contains(copyOrders.Trim().Split(' ')[0], index[index.IndexOf("(after", StringComparison.Ordinal)..]);
        Assert.Contains("--roles:", result.Stdout);

        Assert.False(await clusters.Target.DatabaseExistsAsync(target));
        Assert.Equal(targetBefore, await ServerStateAsync(clusters.Target, null));   // no database, no role (dry_run_owner), no setting
        Assert.Equal(sourceBefore, await ServerStateAsync(clusters.Source, Db));
        Assert.False(Directory.Exists(dir), "the dry run created its state directory");
    }

    [Fact]
    public async Task Dry_run_with_clean_names_what_it_would_drop_and_refuses_as_copy_does()
    {
        await PrepareSourceAsync();
        const string target = "dry_run_existing";
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {target} WITH (FORCE)");
        await clusters.Target.CreateDatabaseAsync(target);
        await clusters.Target.ExecuteAsync(target, "CREATE TABLE orders (id int); INSERT INTO orders VALUES (7);");

        var safe = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(target),
            "--dry-run", "--clean", "--dir", PgMoveProcess.StateDir());
        Assert.True(safe.ExitCode == 0, safe.ToString());
        Assert.Contains("--clean would drop 1 object(s)", safe.Stdout);
        Assert.Contains("table public.orders", safe.Stdout);

        var unclean = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(target),
            "--dry-run", "--dir", PgMoveProcess.StateDir());
        Assert.True(unclean.ExitCode == 6, unclean.ToString());

        await clusters.Target.ExecuteAsync(target, "CREATE TABLE ux_important (v text)");
        var refused = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(target),
            "--dry-run", "--clean", "--dir", PgMoveProcess.StateDir());
        Assert.True(refused.ExitCode == 6, refused.ToString());
        Assert.Contains("table public.ux_important", refused.Stderr);
        Assert.Equal(7, await clusters.Target.ScalarAsync<int>(target, "SELECT id FROM orders"));
    }
}
