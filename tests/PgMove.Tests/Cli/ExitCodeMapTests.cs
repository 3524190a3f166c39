using System.Text.Json;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Cli;

/// <summary>
/// One exception-to-exit-code map for every command: the same failure gives the same exit code and message shape
/// whether copy, verify, check, roles or status met it.
/// </summary>
[Collection("clusters")]
public sealed class ExitCodeMapTests(ClusterPair clusters)
{
    [Theory]
    [InlineData("copy")]
    [InlineData("verify")]
    [InlineData("check")]
    [InlineData("roles")]
    [InlineData("status")]
    public async Task An_unreachable_source_exits_3_in_every_command(string command)
    {
        string[] dir = command is "copy" or "status" ? ["--dir", PgMoveProcess.StateDir()] : [];
        var result = await PgMoveProcess.RunAsync([command, "--source", "postgres://postgres@127.0.0.1:1/nowhere",
            "--target", clusters.Target.Uri("never_created_map"), ..dir]);
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("source postgres@127.0.0.1:1/nowhere: cannot connect", result.Stderr);
        Assert.False(await clusters.Target.DatabaseExistsAsync("never_created_map"));
    }

    [Fact]
    public async Task A_failure_with_json_prints_the_error_object_with_quotes_as_they_are()
    {
        var result = await PgMoveProcess.RunAsync("verify", "--json", "--source", clusters.Source.Uri("no_such_db_json"),
            "--target", clusters.Target.Uri("no_such_db_json"));
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.DoesNotContain("\\u0022", result.Stdout);
        Assert.Contains("\\\"no_such_db_json\\\"", result.Stdout); // JSON's own escape of a quote, nothing more
        var error = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("error");
        Assert.Equal(3, error.GetProperty("code").GetInt32());
        Assert.Equal("ConnectionFailed", error.GetProperty("name").GetString());
        Assert.Contains("database \"no_such_db_json\" does not exist", error.GetProperty("message").GetString());
    }
}
