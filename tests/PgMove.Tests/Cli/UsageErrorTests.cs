using System.Text.Json;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Cli;

/// <summary>
/// Whatever a command line gets wrong is a usage error, exit 2, the same for every command; with --json a failure
/// still puts a JSON document on stdout.
/// </summary>
public sealed class UsageErrorTests
{
    [Fact]
    public async Task A_bare_pgmove_exits_2_and_lists_the_commands_on_stderr()
    {
        var result = await PgMoveProcess.RunAsync();
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("verify", result.Stderr);
        Assert.Contains("pgmove: error: no command given", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("copy")]
    [InlineData("verify")]
    [InlineData("check")]
    [InlineData("cutover")]
    [InlineData("status")]
    public async Task An_unknown_option_exits_2_in_every_command(string command)
    {
        var result = await PgMoveProcess.RunAsync(command, "--no-such-option", "-s", "postgres://a@h/db", "-t", "postgres://a@h/db");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("pgmove: error: ", result.Stderr);
        Assert.Contains("--no-such-option", result.Stderr);
    }

    [Fact]
    public async Task An_unknown_command_and_a_bad_option_value_exit_2()
    {
        var unknown = await PgMoveProcess.RunAsync("cpy");
        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        var badValue = await PgMoveProcess.RunAsync("copy", "--jobs", "many", "-s", "db", "-t", "db");
        Assert.True(badValue.ExitCode == 2, badValue.ToString());
    }

    [Theory]
    [InlineData("postgress://app:Secret-Pw-7@127.0.0.1:5432/shop", "scheme 'postgress'")]
    [InlineData("postgres//app:Secret-Pw-7@127.0.0.1/shop", "not a postgres:// or postgresql:// URI")]
    [InlineData("postgres:/app:Secret-Pw-7@127.0.0.1/shop", "not a postgres:// or postgresql:// URI")]
    public async Task A_typo_in_the_url_scheme_is_a_usage_error_not_a_connection_failure(string url, string expected)
    {
        foreach (var command in new[] { "copy", "verify", "check" })
        {
            var result = await PgMoveProcess.RunAsync(command, "--source", url, "--target", "postgres://app@127.0.0.1:1/shop");
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("--source: malformed connection string", result.Stderr);
            Assert.Contains(expected, result.Stderr);
            Assert.DoesNotContain("cannot connect", result.Stderr);
            Assert.DoesNotContain("Secret-Pw-7", result.Output);
        }
    }

    [Fact]
    public async Task A_usage_error_with_json_prints_a_json_error_object_on_stdout()
    {
        var result = await PgMoveProcess.RunAsync("verify", "--json", "--source", "postgress://h/db", "--target", "db");
        Assert.True(result.ExitCode == 2, result.ToString());
        var error = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("error");
        Assert.Equal(2, error.GetProperty("code").GetInt32());
        Assert.Equal("Usage", error.GetProperty("name").GetString());
        Assert.Contains("malformed connection string", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Version_prints_the_version_and_the_commit()
    {
        var result = await PgMoveProcess.RunAsync("--version");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^pgmove \d+\.\d+\.\d+\S* \(commit [0-9a-f]{12}\)\s*$", result.Stdout);
    }
}
