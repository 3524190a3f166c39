using System.CommandLine;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Errors;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove copy</c>: parses options and hands them to <see cref="CopyRunner"/>.</summary>
internal static class CopyCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source", "-s")
        { Description = "Source connection: URI or key=value conninfo (default: $PGMOVE_SOURCE)" };
        var target = new Option<string?>("--target", "-t")
        { Description = "Target connection; its database is created when missing (default: $PGMOVE_TARGET)" };
        var dir = new Option<string?>("--dir") { Description = "State directory: plan, item states, schema archive (default: a new directory under the temp dir)" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout (progress goes to stderr)" };
        var copyOptions = new CopyCliOptions();
        var verify = new Option<bool>("--verify") { Description = "Run pgmove verify after the copy; exit 1 if it finds differences" };
        var resume = new Option<bool>("--resume") { Description = "Continue the interrupted run recorded in --dir (same source, target and options): done work is skipped" };
        var accept = new Option<bool>("--accept-source-changes")
        { Description = "With --resume: go on when pgmove cannot tell which source tables changed since the first run (the target may mix two moments)" };
        var report = new ReportArgument();
        var allDatabases = AllDatabases.Option("Copy all roles and");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (items, order, sessions, what would be created or dropped); change nothing" };

        var command = new Command("copy", "Copy one database from the source server to the target server (offline migration).")
        {
            source, target, dir, json, verify, resume, accept, dryRun, report.Option, allDatabases,
        };
        copyOptions.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var page = report.Start(parse, "copy");
            return CommandRunner.RunAsync(async (display, token) =>
        {
            if (parse.GetValue(resume) && parse.GetValue(dir) is null)
                throw new PgMoveException(ExitCode.Usage, "--resume needs --dir, the state directory of the run to continue");
            if (parse.GetValue(accept) && !parse.GetValue(resume))
                throw new PgMoveException(ExitCode.Usage, "--accept-source-changes goes with --resume");
            var options = copyOptions.Read(parse,
                ConnectionArguments.Parse(parse.GetValue(source), "PGMOVE_SOURCE", "--source"),
                ConnectionArguments.Parse(parse.GetValue(target), "PGMOVE_TARGET", "--target"),
                parse.GetValue(dir) ?? Path.Combine(Path.GetTempPath(), "pgmove", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Environment.ProcessId))
                with { Verify = parse.GetValue(verify), Resume = parse.GetValue(resume), AcceptSourceChanges = parse.GetValue(accept), DryRun = parse.GetValue(dryRun) };
            if (parse.GetValue(allDatabases))
                return await AllDatabases.CopyAsync(display, options, parse.GetValue(json), token);
            if (options.DryRun)
            {
                var preview = await new CopyRunner(options, display.PlainSink).PreviewAsync(token);
                display.ShowLines(PgMove.Cli.Rendering.CopyPreviewView.Lines(preview), preview);
                return ExitCode.Success;
            }
            if (page is not null) Describe(page.Report, options);
            var summary = await display.RunAsync(sink => new CopyRunner(options, sink).RunAsync(token));
            if (summary.Resume is { NothingToDo: true })
            {
                display.ShowLines([$"pgmove copy --resume: nothing to do, the run recorded in {options.StateDirectory} had finished"], summary);
                return ExitCode.Success;
            }
            display.ShowSummary(summary);
            if (page is not null)
            {
                page.Report.Copy = summary;
                page.Report.Items = summary.Items;
                page.Report.SourceVersion = summary.SourceVersion;
                page.Report.TargetVersion = summary.TargetVersion;
                page.Report.Target = summary.Target;
            }
            if (!options.Verify) return ExitCode.Success;
            return await VerifyCommand.RunAsync(new PgMove.Verify.VerifyOptions { Source = options.Source, Target = options.Target, Jobs = options.Jobs, Filters = options.Filters },
                toStderr: parse.GetValue(json), printJson: false, token, page?.Report);
        }, parse.GetValue(json), page, ct);
        });
        return command;
    }

    static void Describe(PgMove.Reporting.RunReport report, CopyOptions options)
    {
        report.Source = options.Source.ToString();
        report.Target = options.Target.ToString();
        report.WithOption("--jobs", options.Jobs).WithOption("--index-jobs", options.IndexJobs).WithOption("--clean", options.Clean)
            .WithOption("--no-owner", options.NoOwner).WithOption("--no-acl", options.NoAcl).WithOption("--split-larger-than", options.SplitLargerThan)
            .WithOption("--tune-target", options.TuneTarget).WithOption("--roles", options.Globals.Roles).WithOption("--verify", options.Verify)
            .WithOption("--timeline", options.TimelinePath).WithOption("--dir", options.StateDirectory);
    }
}
