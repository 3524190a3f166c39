using System.Text.RegularExpressions;
using PgMove.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgMove.Tests.Reporting;

/// <summary>
/// --report FILE.html of copy, verify and check: one self-contained page (nothing fetched), with the run's facts and
/// results, no password, rendered by a real headless browser with its timeline chart.
/// </summary>
[Collection("clusters")]
public sealed class HtmlReportTests(ClusterPair clusters, ITestOutputHelper output)
{
    const string Password = "Rep0rt-Secret-77";

    static string ReportPath(string name) => Path.Combine(Path.GetTempPath(), "pgmove-tests", $"report-{name}-{Guid.NewGuid():N}.html");

    async Task<string> SourceWithLoginAsync(string db)
    {
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync("postgres",
            $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'report_user') THEN CREATE ROLE report_user LOGIN PASSWORD '{Password}'; END IF; END $$");
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, total numeric);
            INSERT INTO orders SELECT g, 'customer ' || g, g * 1.5 FROM generate_series(1, 20000) g;
            CREATE INDEX ON orders (customer);
            CREATE TABLE customers (id int PRIMARY KEY, name text);
            INSERT INTO customers SELECT g, 'n' || g FROM generate_series(1, 500) g;
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO report_user;
            """);
        return clusters.Source.Uri(db, "report_user", Password);
    }

    /// <summary>Nothing in the page loads from elsewhere: no script, stylesheet link, image, font or frame.</summary>
    static void AssertSelfContained(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>", html);
        foreach (var pattern in new[] { "<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "href=" })
            Assert.DoesNotContain(pattern, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Password, html);
    }

    [BrowserFact]
    public async Task Copy_report_has_facts_tables_timeline_and_verification_and_renders_in_a_browser()
    {
        const string db = "report_copy";
        var source = await SourceWithLoginAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var path = ReportPath("copy");
        var result = await PgMoveProcess.RunAsync("copy", "--source", source, "--target", clusters.Target.Uri(db),
            "--dir", PgMoveProcess.StateDir(), "--jobs", "2", "--no-acl", "--verify", "--report", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"report written to {path}", result.Stderr);
        Assert.DoesNotContain(Password, result.Output);

        var html = await File.ReadAllTextAsync(path);
        AssertSelfContained(html);
        Assert.Contains("report_user@127.0.0.1", html);           // the source as pgmove shows it, without its password
        Assert.Matches(@"<th>source server</th><td>15\.\d+", html);
        Assert.Contains("<th>options</th><td>--jobs 2,", html);
        Assert.Contains("20,000", html);                           // the orders table's rows in the per-table table
        Assert.Matches(@"<tr><td>[^<]*public\.orders[^<]*</td><td class=""n"">20,000</td>", html);
        Assert.Contains("id=\"phases\"", html);
        Assert.Contains("class=\"badge ok\">equal</span>", html);

        var dom = await Chromium.DumpDomAsync(path);
        Assert.Contains("<h2>Timeline</h2>", dom);
        var chart = Regex.Match(dom, "<div class=\"chart\" id=\"timeline\"><svg.*?</svg>", RegexOptions.Singleline);
        Assert.True(chart.Success, "the rendered page has no timeline SVG");
        Assert.True(Regex.Matches(chart.Value, "<rect ").Count > 5, "the timeline has too few bars: " + chart.Value[..Math.Min(400, chart.Value.Length)]);
        Assert.Contains("succeeded", dom);

        var png = Path.Combine(Path.GetTempPath(), "pgmove-tests", "report-copy.png");
        await Chromium.ScreenshotAsync(path, png);
        Assert.True(new FileInfo(png).Length > 20_000, $"screenshot {png} is suspiciously small");
        output.WriteLine($"report: {path}");
        output.WriteLine($"screenshot: {png}");
    }

    [Fact]
    public async Task Verify_report_names_the_differing_table()
    {
        const string db = "report_verify";
        foreach (var cluster in new[] { clusters.Source, clusters.Target })
        {
            await cluster.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            await cluster.CreateDatabaseAsync(db);
            await cluster.ExecuteAsync(db, "CREATE TABLE stock (id int PRIMARY KEY, qty int); INSERT INTO stock SELECT g, g FROM generate_series(1, 100) g;");
        }
        await clusters.Target.ExecuteAsync(db, "UPDATE stock SET qty = -1 WHERE id = 42");
        var path = ReportPath("verify");
        var result = await PgMoveProcess.RunAsync("verify", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--report", path);
        Assert.True(result.ExitCode == 1, result.ToString());
        var html = await File.ReadAllTextAsync(path);
        AssertSelfContained(html);
        Assert.Contains("differences found", html);
        Assert.Matches(@"<tr class=""fail""><td>different</td><td>public\.stock</td><td class=""n"">100</td><td class=""n"">100</td>", html);
        Assert.Contains("<th>exit code</th><td>1</td>", html);
    }

    [Fact]
    public async Task Check_report_lists_every_item_with_its_verdict()
    {
        const string db = "report_check";
        var source = await SourceWithLoginAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Target.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync(db, "CREATE TABLE already_here (id int)");
        var path = ReportPath("check");
        var result = await PgMoveProcess.RunAsync("check", "--source", source, "--target", clusters.Target.Uri(db), "--json", "--report", path);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("{", result.Stdout.TrimStart());          // --json's stdout is still only the JSON report
        var html = await File.ReadAllTextAsync(path);
        AssertSelfContained(html);
        Assert.Contains("failing items", html);
        Assert.Matches(@"<tr class=""fail""><td>fail</td><td>target-empty</td><td>[^<]*already_here", html);
        Assert.Contains("<tr class=\"ok\"><td>ok</td><td>versions</td>", html);
        Assert.Equal(Regex.Matches(result.Stdout, "\"verdict\"").Count, Regex.Matches(html, "<tr class=\"(ok|warn|fail)\"><td>(ok|warn|fail)</td>").Count);
    }

    [Fact]
    public async Task A_failed_copy_still_writes_its_report_with_the_error()
    {
        var path = ReportPath("failed");
        var result = await PgMoveProcess.RunAsync("copy", "--source", "postgres://postgres:" + Password + "@127.0.0.1:1/nowhere",
            "--target", clusters.Target.Uri("never_created_report"), "--dir", PgMoveProcess.StateDir(), "--report", path);
        Assert.True(result.ExitCode == 3, result.ToString());
        var html = await File.ReadAllTextAsync(path);
        AssertSelfContained(html);
        Assert.Contains("failed (exit 3)", html);
        Assert.Contains("cannot connect", html);
    }
}
