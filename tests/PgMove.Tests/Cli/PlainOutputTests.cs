using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Cli;

/// <summary>The plain log lines a copy prints when its output is not a terminal, and what a failed copy says.</summary>
[Collection("clusters")]
public sealed class PlainOutputTests(ClusterPair clusters)
{
    [Fact]
    public async Task Log_lines_carry_no_library_prefix_and_no_empty_row_counts()
    {
        const string db = "plain_output";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db}");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, 
            // Over 1 MB, so that the table is no batch of small tables and its index builds are items of their own.
            "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT i, repeat('v', 100) || i FROM generate_series(1, 20000) i; CREATE INDEX ON t (v);");

        var result = await PgMoveProcess.RunAsync("copy", "-s", clusters.Source.Uri(db), "-t", clusters.Target.Uri(db),
            "--dir", PgMoveProcess.StateDir());

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n');
        Assert.DoesNotContain(lines, l => l.Contains("pgmove[0]") || l.Contains("info:"));
        Assert.DoesNotContain(lines, l => l.Contains("(0 rows") || l.Contains(" 0 B)"));
        Assert.Contains(lines, l => l.Contains("done  index") && !l.Contains("rows"));
        Assert.Contains(lines, l => l.Contains("(20,000 rows, "));
    }

    [Fact]
    public async Task A_failure_in_a_batch_of_small_tables_names_the_table_and_the_partial_copy()
    {
        const string db = "small_batch_src", targetDb = "small_batch_dst";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db}");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {targetDb} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        // A CHECK that holds only in a database of the source's name: the target (named otherwise) refuses the row.
        await clusters.Source.ExecuteAsync(db, $"""
            CREATE TABLE fine_1 (id int PRIMARY KEY); INSERT INTO fine_1 VALUES (1);
            CREATE TABLE "Bad Table" (id int PRIMARY KEY, CHECK (current_database() = '{db}')); INSERT INTO "Bad Table" VALUES (1);
            CREATE TABLE fine_2 (id int PRIMARY KEY); INSERT INTO fine_2 VALUES (2);
            """);

        var result = await PgMoveProcess.RunAsync("copy", "-s", clusters.Source.Uri(db), "-t", clusters.Target.Uri(targetDb),
            "--dir", PgMoveProcess.StateDir(), "--jobs", "1");

        Assert.True(result.ExitCode == 10, result.ToString());
        var error = result.Stderr.Split('\n').Single(l => l.StartsWith("pgmove: error:"));
        Assert.Contains("batch", result.Stdout); // the three tables went as one batch
        Assert.Contains("copy of table public.Bad Table failed", error);
        Assert.Contains("23514", error);
        Assert.Contains("holds a partial copy", error);
        Assert.Contains("--clean", error);
    }

    [Fact]
    public async Task A_source_failure_in_a_batch_read_ahead_names_the_table_and_stops_the_copy()
    {
        const string db = "small_batch_read_src", targetDb = "small_batch_read_dst";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db}");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {targetDb} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        // The --where condition plans (it is checked with EXPLAIN before anything runs) but fails on the row id = 2, while
        // the source session reads that table ahead of the target's load.
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE fine_1 (id int PRIMARY KEY); INSERT INTO fine_1 VALUES (1);
            CREATE TABLE src_bad (id int PRIMARY KEY); INSERT INTO src_bad VALUES (1), (2), (3);
            CREATE TABLE fine_2 (id int PRIMARY KEY); INSERT INTO fine_2 VALUES (2);
            """);

        var result = await PgMoveProcess.RunAsync("copy", "-s", clusters.Source.Uri(db), "-t", clusters.Target.Uri(targetDb),
            "--dir", PgMoveProcess.StateDir(), "--jobs", "1", "--where", "public.src_bad=100 / (id - 2) > 0");

        Assert.True(result.ExitCode != 0, result.ToString());
        var error = result.Stderr.Split('\n').Single(l => l.StartsWith("pgmove: error:"));
        Assert.Contains("batch", result.Stdout);
        Assert.Contains("copy of table public.src_bad failed", error);
        Assert.Contains("22012", error);
        Assert.Contains("holds a partial copy", error);
    }
}
