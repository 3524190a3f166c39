using PgMove.Tests.Filters;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Hooks;

/// <summary>--after-pre-data runs between schema and rows, --after-copy at the end; a failing hook stops the run.</summary>
[Collection("clusters")]
public sealed class HookTests(ClusterPair clusters)
{
    static string Hook(string sql)
    {
        var file = Path.Combine(Path.GetTempPath(), "pgmove-tests", $"hook-{Guid.NewGuid():N}.sql");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, sql);
        return file;
    }

    [Fact]
    public async Task Pre_data_hook_sees_empty_tables_and_after_copy_hook_sees_the_rows()
    {
        const string db = "hook_points";
        await FilterCopyTests.PrepareAsync(clusters.Source, db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var before = Hook("""
            CREATE TABLE public.hook_seen (point text, customers bigint, orders bigint);
            INSERT INTO public.hook_seen SELECT 'pre', (SELECT count(*) FROM app.customers), (SELECT count(*) FROM app.orders);
            DO $$ BEGIN RAISE NOTICE 'hello from the pre-data hook'; END $$;
            """);
        var after = Hook("""
            INSERT INTO public.hook_seen SELECT 'after', (SELECT count(*) FROM app.customers), (SELECT count(*) FROM app.orders);
            SELECT 'orders indexed: ' || count(*) FROM pg_indexes WHERE tablename = 'orders';
            """);
        var dir = PgMoveProcess.StateDir();
        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--dir", dir, "--after-pre-data", before, "--after-copy", after, "--exclude-table", "public.hook_seen");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("pre:0:0,after:100:1000", await clusters.Target.ScalarAsync<string>(db,
            "SELECT string_agg(format('%s:%s:%s', point, customers, orders), ',' ORDER BY point DESC) FROM public.hook_seen"));
        Assert.Contains("hello from the pre-data hook", result.Output);   // NOTICEs go to the log
        Assert.Contains("orders indexed: 2", result.Output);              // and the hook's output; indexes were built before it
        Assert.Equal(await FilterCopyTests.ContentAsync(clusters.Source, db),
            (await FilterCopyTests.ContentAsync(clusters.Target, db)).Replace("public.hook_seen=2 ", ""));

    }

    [Fact]
    public async Task A_failing_hook_stops_the_run_with_its_error_and_line()
    {
        const string db = "hook_fails";
        await FilterCopyTests.PrepareAsync(clusters.Source, db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var hook = Hook("SELECT 1;\nSELECT * FROM no_such_table;\nSELECT 2;\n");
        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--dir", PgMoveProcess.StateDir(), "--after-pre-data", hook);
        Assert.True(result.ExitCode == 13, result.ToString());
        Assert.Contains($"{hook}:2: ERROR:  relation \"no_such_table\" does not exist", result.Output);
        // It ran between schema and rows: the tables exist on the target and hold nothing.
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM app.customers"));
    }

    [Fact]
    public async Task A_resume_after_a_failed_hook_does_not_rerun_the_hook_already_done()
    {
        const string db = "hook_resume";
        await FilterCopyTests.PrepareAsync(clusters.Source, db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var before = Hook("CREATE TABLE public.hook_runs (point text); INSERT INTO public.hook_runs VALUES ('pre');");
        var after = Hook("INSERT INTO public.hook_runs VALUES ('after');\nSELECT 1/0;\n");
        var dir = PgMoveProcess.StateDir();
        string[] args = ["copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--dir", dir,
            "--after-pre-data", before, "--after-copy", after];
        var failed = await PgMoveProcess.RunAsync(args);
        Assert.True(failed.ExitCode == 13, failed.ToString());
        Assert.Contains(":2: ERROR:  division by zero", failed.Output);
        File.WriteAllText(after, "INSERT INTO public.hook_runs VALUES ('after');\n");
        var resumed = await PgMoveProcess.RunAsync([.. args, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        // The pre-data hook ran once; the failed one ran again, whole (its first INSERT was committed on its own).
        Assert.Equal("after,after,pre", await clusters.Target.ScalarAsync<string>(db, "SELECT string_agg(point, ',' ORDER BY point) FROM public.hook_runs"));
    }

    [Fact]
    public async Task A_missing_hook_file_is_a_usage_error_before_anything_runs_and_dry_run_lists_hooks()
    {
        const string db = "hook_missing";
        await FilterCopyTests.PrepareAsync(clusters.Source, db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--dir", PgMoveProcess.StateDir(), "--after-copy", "/nonexistent/hook.sql");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--after-copy /nonexistent/hook.sql: no such file", result.Output);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));

        var dry = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--dry-run", "--after-pre-data", Hook("SELECT 1;"), "--after-copy", Hook("SELECT 2;"), "--schema", "app");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("run --after-pre-data hook", dry.Stdout);
        Assert.Contains("run --after-copy hook", dry.Stdout);
        Assert.Contains("filters --schema 'app'", dry.Stdout);
        Assert.DoesNotContain("public.settings", dry.Stdout);
    }
}
