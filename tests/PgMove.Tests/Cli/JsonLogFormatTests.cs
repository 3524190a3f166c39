using System.Text.Json;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Cli;

/// <summary><c>--log-format json</c>: every line a copy writes is a JSON object a log shipper can index.</summary>
[Collection("clusters")]
public sealed class JsonLogFormatTests(ClusterPair clusters)
{
    [Fact]
    public async Task Every_line_of_a_copy_is_a_json_object_with_time_level_and_message()
    {
        const string db = "json_log_format";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db}");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db,
            "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 500) i;");

        var result = await PgMoveProcess.RunAsync("--log-format", "json", "copy", "-s", clusters.Source.Uri(db), "-t", clusters.Target.Uri(db),
            "--dir", PgMoveProcess.StateDir());

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(entries, e =>
        {
            Assert.True(DateTimeOffset.TryParse(e.GetProperty("timestamp").GetString(), out _), e.ToString());
            Assert.Contains(e.GetProperty("level").GetString(), new[] { "information", "warning", "error" });
            Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString()), e.ToString());
        });
        var done = entries.Single(e => e.TryGetProperty("event", out var ev) && ev.GetString() == "done" && e.GetProperty("rows").GetInt64() == 500);
        Assert.True(done.GetProperty("worker").GetInt32() >= 1, done.ToString());
        Assert.StartsWith("copy ", done.GetProperty("item").GetString()); // a small table goes in a batch: "copy 1 small tables (batch 1)"
        Assert.True(done.GetProperty("bytes").GetInt64() > 0, done.ToString());
        Assert.Contains(entries, e => e.TryGetProperty("event", out var ev) && ev.GetString() == "start" && e.TryGetProperty("worker", out _));
        var summary = entries.Single(e => e.TryGetProperty("event", out var ev) && ev.GetString() == "summary");
        Assert.Equal(1, summary.GetProperty("tables").GetInt32());
    }

    [Fact]
    public async Task A_failure_is_a_json_error_line_and_a_bad_value_is_a_usage_error()
    {
        var failed = await PgMoveProcess.RunAsync("copy", "--log-format", "json", "-s", "host=/nonexistent dbname=x", "-t", "host=/nonexistent dbname=y",
            "--dir", PgMoveProcess.StateDir());
        Assert.NotEqual(0, failed.ExitCode);
        var error = JsonDocument.Parse(failed.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last()).RootElement;
        Assert.Equal("error", error.GetProperty("level").GetString());
        Assert.Equal(failed.ExitCode, error.GetProperty("exitCode").GetInt32());

        var usage = await PgMoveProcess.RunAsync("copy", "--log-format", "xml");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("xml", usage.Stderr);
    }
}
