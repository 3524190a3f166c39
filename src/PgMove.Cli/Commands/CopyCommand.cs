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
        var jobs = new Option<int>("--jobs", "-j") { Description = "Parallel sessions, shared by table copies and index builds", DefaultValueFactory = _ => 4 };
        var indexJobs = new Option<int?>("--index-jobs") { Description = "Parallel pg_restore jobs for the rest of post-data (default: --jobs)" };
        var split = SizeParser.Option("--split-larger-than",
            "Copy tables larger than this (e.g. 500MB, 2GB) in slices side by side (default: off, each table in one piece)");
        var clean = new Option<bool>("--clean") { Description = "Drop what the copy creates first when the target is not empty" };
        var noOwner = new Option<bool>("--no-owner") { Description = "Do not restore object ownership" };
        var noAcl = new Option<bool>("--no-acl") { Description = "Do not restore privileges (GRANT/REVOKE)" };
        var dir = new Option<string?>("--dir") { Description = "State directory: plan, item states, schema archive (default: a new directory under the temp dir)" };
        var pgBin = new Option<string?>("--pg-bin") { Description = "Directory of pg_dump/pg_restore (default: PATH and /usr/lib/postgresql/*/bin)" };
        var timeline = new Option<string?>("--timeline") { Description = "Write what ran when on which worker to this JSON file, and an SVG picture beside it" };
        var tune = new Option<bool>("--tune-target") { Description = "Raise max_wal_size/checkpoint_timeout on the target (ALTER SYSTEM) for the copy; restored after" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout (progress goes to stderr)" };
        var globals = new GlobalsCliOptions(copy: true);
        var verify = new Option<bool>("--verify") { Description = "Run pgmove verify after the copy; exit 1 if it finds differences" };

        var command = new Command("copy", "Copy one database from the source server to the target server (offline migration).")
        {
            source, target, jobs, indexJobs, split, clean, noOwner, noAcl, dir, pgBin, timeline, tune, json, verify,
        };
        globals.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var j = parse.GetValue(jobs);
            var ij = parse.GetValue(indexJobs) ?? j;
            if (j < 1 || ij < 1) throw new PgMoveException(ExitCode.Usage, "--jobs and --index-jobs must be at least 1");
            var options = new CopyOptions
            {
                Source = ConnectionArguments.Parse(parse.GetValue(source), "PGMOVE_SOURCE", "--source"),
                Target = ConnectionArguments.Parse(parse.GetValue(target), "PGMOVE_TARGET", "--target"),
                Jobs = j,
                IndexJobs = ij,
                Clean = parse.GetValue(clean),
                NoOwner = parse.GetValue(noOwner),
                NoAcl = parse.GetValue(noAcl),
                StateDirectory = parse.GetValue(dir)
                    ?? Path.Combine(Path.GetTempPath(), "pgmove", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Environment.ProcessId),
                PgBin = parse.GetValue(pgBin),
                TimelinePath = parse.GetValue(timeline),
                TuneTarget = parse.GetValue(tune),
                SplitLargerThan = parse.GetValue(split),
                Globals = globals.Read(parse),
                Verify = parse.GetValue(verify),
            };
            var summary = await display.RunAsync(sink => new CopyRunner(options, sink).RunAsync(token));
            display.ShowSummary(summary);
            if (!options.Verify) return ExitCode.Success;
            return await VerifyCommand.RunAsync(new PgMove.Verify.VerifyOptions { Source = options.Source, Target = options.Target, Jobs = j },
                toStderr: parse.GetValue(json), printJson: false, token);
        }, parse.GetValue(json), ct));
        return command;
    }

}
