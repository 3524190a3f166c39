using System.CommandLine;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Preflight;

namespace PgMove.Cli.Commands;

/// <summary>
/// <c>pgmove check</c>: the preflight report for a copy (or, with --online, a sync) between two servers.
/// Exit 0 when no item fails, 1 when one does, 2+ when the check itself could not run.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source", "-s")
        { Description = "Source connection: URI or key=value conninfo (default: $PGMOVE_SOURCE)" };
        var target = new Option<string?>("--target", "-t")
        { Description = "Target connection (default: $PGMOVE_TARGET); a missing database is checked for creation" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "The --jobs the copy will use (connections needed)", DefaultValueFactory = _ => 4 };
        var indexJobs = new Option<int?>("--index-jobs") { Description = "The --index-jobs the copy will use (default: --jobs)" };
        var online = new Option<bool>("--online") { Description = "Also check what an online migration (logical replication) needs" };
        var clean = new Option<bool>("--clean") { Description = "The copy will use --clean (a non-empty target is then a warning)" };
        var noOwner = new Option<bool>("--no-owner") { Description = "The copy will use --no-owner (owner roles are not needed)" };
        var noAcl = new Option<bool>("--no-acl") { Description = "The copy will use --no-acl (grantee roles are not needed)" };
        var pgBin = new Option<string?>("--pg-bin") { Description = "Directory of pg_dump/pg_restore (default: PATH and /usr/lib/postgresql/*/bin)" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout (the table goes to stderr)" };
        var report = new ReportArgument();
        var allDatabases = AllDatabases.Option("Check");

        var command = new Command("check", "Preflight report: what would make a copy between these servers fail, and how to fix it. Changes nothing.")
        {
            source, target, jobs, indexJobs, online, clean, noOwner, noAcl, pgBin, json, report.Option, allDatabases,
        };
        var filters = new FilterCliOptions();
        filters.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var page = report.Start(parse, "check");
            return CommandRunner.RunAsync(async (display, token) =>
        {
            var j = parse.GetValue(jobs);
            var ij = parse.GetValue(indexJobs) ?? j;
            if (j < 1 || ij < 1) throw new PgMoveException(ExitCode.Usage, "--jobs and --index-jobs must be at least 1");
            var options = new CheckOptions
            {
                Source = ConnectionArguments.Parse(parse.GetValue(source), "PGMOVE_SOURCE", "--source"),
                Target = ConnectionArguments.Parse(parse.GetValue(target), "PGMOVE_TARGET", "--target"),
                Jobs = j,
                IndexJobs = ij,
                Online = parse.GetValue(online),
                Clean = parse.GetValue(clean),
                NoOwner = parse.GetValue(noOwner),
                NoAcl = parse.GetValue(noAcl),
                PgBin = parse.GetValue(pgBin),
                Filters = filters.Read(parse),
            };
            if (page is not null)
            {
                page.Report.Source = options.Source.ToString();
                page.Report.Target = options.Target.ToString();
                page.Report.WithOption("--jobs", j).WithOption("--index-jobs", ij).WithOption("--online", options.Online)
                    .WithOption("--clean", options.Clean).WithOption("--no-owner", options.NoOwner).WithOption("--no-acl", options.NoAcl);
            }
            if (parse.GetValue(allDatabases)) return await AllDatabases.CheckAsync(display, options, token);
            var result = await new PreflightRunner(options).RunAsync(token);
            display.ShowCheck(result);
            page?.Report.Check = result;
            return result.Passed ? ExitCode.Success : ExitCode.Differences;
        }, parse.GetValue(json), page, ct);
        });
        return command;
    }

}
