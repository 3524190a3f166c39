using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Cli;

/// <summary>Every command's --help ends with examples and says the defaults as they are; sizes take units everywhere.</summary>
public sealed class HelpAndSizeTests
{
    [Theory]
    [InlineData("copy")]
    [InlineData("check")]
    [InlineData("roles")]
    [InlineData("verify")]
    [InlineData("sync")]
    [InlineData("status")]
    [InlineData("cutover")]
    [InlineData("cleanup")]
    public async Task Help_of_every_command_has_examples_of_that_command(string command)
    {
        var help = await PgMoveProcess.RunAsync(command, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        var examples = help.Stdout[help.Stdout.IndexOf("Examples:", StringComparison.Ordinal)..];
        Assert.Contains($"  pgmove {command} -s ", examples);
    }

    [Fact]
    public async Task Split_help_says_it_is_off_by_default()
    {
        var help = await PgMoveProcess.RunAsync("copy", "--help");
        var line = help.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("--split-larger-than"));
        Assert.DoesNotContain("adaptive", line);
        Assert.Contains("default: off", line);
    }

    [Theory]
    [InlineData("1MB")]
    [InlineData("512kB")]
    [InlineData("1.5 MiB")]
    [InlineData("65536")]
    public async Task Max_lag_takes_units_like_split_larger_than(string size)
    {
        // Nothing listens on port 1: a parsed --max-lag gets as far as connecting (3), a rejected one exits 2.
        var cutover = await PgMoveProcess.RunAsync("cutover", "--max-lag", size, "-s", "postgres://postgres@127.0.0.1:1/x",
            "-t", "postgres://postgres@127.0.0.1:1/x", "--dir", PgMoveProcess.StateDir());
        Assert.True(cutover.ExitCode == 3, cutover.ToString());
        var copy = await PgMoveProcess.RunAsync("copy", "--split-larger-than", size, "-s", "postgres://postgres@127.0.0.1:1/x",
            "-t", "postgres://postgres@127.0.0.1:1/x", "--dir", PgMoveProcess.StateDir());
        Assert.True(copy.ExitCode == 3, copy.ToString());
    }

    [Theory]
    [InlineData("cutover", "--max-lag")]
    [InlineData("copy", "--split-larger-than")]
    public async Task A_size_that_is_not_one_is_a_usage_error_naming_the_option(string command, string option)
    {
        var result = await PgMoveProcess.RunAsync(command, option, "1XB", "-s", "db", "-t", "db");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{option}: '1XB' is not a size", result.Stderr);
    }
}
