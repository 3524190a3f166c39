using System.CommandLine;
using PgMove.Reporting;

namespace PgMove.Cli.Commands;

/// <summary>
/// <c>--report FILE.html</c> of copy, verify, check and cutover: the command fills a <see cref="RunReport"/> as it
/// runs and <see cref="CommandRunner"/> writes it at the end, also when the command fails.
/// </summary>
internal sealed class ReportArgument
{
    public Option<string?> Option { get; } = new("--report")
    { Description = "Write a self-contained HTML report of the run (facts, times, chart, results) to this file" };

    /// <summary>A report to fill for <paramref name="command"/>, or null when --report was not given.</summary>
    public ReportTarget? Start(ParseResult parse, string command) =>
        parse.GetValue(Option) is { } path ? new ReportTarget(path, new RunReport { Command = command }) : null;
}

/// <summary>Where a run's report goes, and the report being filled.</summary>
/// <param name="Path">The HTML file to write.</param>
/// <param name="Report">The facts gathered so far.</param>
internal sealed record ReportTarget(string Path, RunReport Report);
