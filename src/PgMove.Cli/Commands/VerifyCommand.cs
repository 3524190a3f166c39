using System.CommandLine;
using PgMove.Cli.Rendering;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Verify;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove verify</c>: exit 0 when the databases are equal, 1 when they differ, 2+ on errors.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source", "-s") { Description = "Source connection: URI or key=value conninfo (default: $PGMOVE_SOURCE)" };
        var target = new Option<string?>("--target", "-t")
        { Description = "Target connection; without a database name, the source's is used (default: $PGMOVE_TARGET)" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Parallel sessions per side", DefaultValueFactory = _ => 4 };
        var maxRows = new Option<int>("--max-rows") { Description = "Differing rows shown per table", DefaultValueFactory = _ => 20 };
        var acl = new Option<bool>("--acl") { Description = "Also compare owners and privileges" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout (the human report goes to stderr)" };
        var report = new ReportArgument();
        var allDatabases = AllDatabases.Option("Verify");
        var command = new Command("verify",
            "Compare two databases: schema, then every table's row count and checksum, down to the rows that differ.")
        {
            source, target, jobs, maxRows, acl, json, report.Option, allDatabases,
        };
        var filters = new FilterCliOptions();
        filters.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var page = report.Start(parse, "verify");
            return CommandRunner.RunAsync(async (display, token) =>
        {
            var options = new VerifyOptions
            {
                Source = ConnectionArguments.Parse(parse.GetValue(source), "PGMOVE_SOURCE", "--source"),
                Target = ConnectionArguments.Parse(parse.GetValue(target), "PGMOVE_TARGET", "--target"),
                Jobs = parse.GetValue(jobs),
                MaxRows = parse.GetValue(maxRows),
                Acl = parse.GetValue(acl),
                Filters = filters.Read(parse),
            };
            if (page is not null)
            {
                page.Report.Source = options.Source.ToString();
                page.Report.Target = options.Target.ToString();
                page.Report.WithOption("--jobs", options.Jobs).WithOption("--max-rows", options.MaxRows).WithOption("--acl", options.Acl);
            }
            if (parse.GetValue(allDatabases)) return await AllDatabases.VerifyAsync(display, options, parse.GetValue(json), token);
            return await RunAsync(options, parse.GetValue(json), printJson: parse.GetValue(json), token, page?.Report);
        }, parse.GetValue(json), page, ct);
        });
        return command;
    }

    /// <summary>Runs verify and prints its report; also what <c>copy --verify</c> calls after the copy.</summary>
    /// <param name="page">the --report being filled, if any: gets the verification.</param>
    public static async Task<ExitCode> RunAsync(VerifyOptions options, bool toStderr, bool printJson, CancellationToken ct,
        PgMove.Reporting.RunReport? page = null)
    {
        var report = await new VerifyRunner(options, new VerifyProgress()).RunAsync(ct);
        page?.Verification = report;
        VerifyView.Show(report, toStderr, printJson);
        return report.Equal ? ExitCode.Success : ExitCode.Differences;
    }

}
