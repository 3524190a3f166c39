using System.CommandLine;
using PgMove.Archive;
using PgMove.Cli.Rendering;
using PgMove.Errors;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove restore</c>: parses options and hands them to <see cref="RestoreRunner"/>.</summary>
internal static class RestoreCommand
{
    public static Command Create()
    {
        var archive = new Option<string>("--archive", "-a") { Description = "Archive directory written by pgmove dump, or by pg_dump --format=directory", Required = true };
        var target = new Option<string?>("--target", "-t")
        { Description = "Target connection; without a database name, the archived one's; created when missing (default: $PGMOVE_TARGET)" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Parallel table loads", DefaultValueFactory = _ => 2 };
        var indexJobs = new Option<int?>("--index-jobs") { Description = "Parallel sessions for indexes and constraints (default: --jobs)" };
        var noOwner = new Option<bool>("--no-owner") { Description = "Do not set object owners (objects belong to the target user)" };
        var noAcl = new Option<bool>("--no-acl") { Description = "Do not restore privileges (GRANT/REVOKE)" };
        var clean = new Option<bool>("--clean")
        { Description = "Drop what the restore creates first when the target database is not empty (refused if it holds anything the archive does not)" };
        var verify = new Option<bool>("--verify") { Description = "Compare every table's row count with the archive's manifest; exit 1 if one differs" };
        var single = new Option<bool>("--single-transaction")
        { Description = "Everything in one transaction, one step after the other: a failure leaves the target as it was (slower)" };
        var checkOnly = new Option<bool>("--check-only") { Description = "Check every file of the archive (present, size, SHA-256) without a target" };
        var dir = new Option<string?>("--dir") { Description = "State directory: plan, item states (default: a new directory under the temp dir)" };
        var pgBin = new Option<string?>("--pg-bin") { Description = "Directory of pg_restore (default: PATH, then /usr/lib/postgresql/*/bin)" };
        var tune = new Option<bool>("--tune-target")
        { Description = "Raise max_wal_size and checkpoint_timeout on the target for the run (ALTER SYSTEM, put back at the end)" };
        var timeline = new Option<string?>("--timeline") { Description = "Write what ran when on which worker to this JSON file, and an SVG picture beside it" };
        var roles = new Option<bool>("--roles")
        { Description = "Create the roles the archived database depends on (recorded by pgmove dump, without passwords) before restoring" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout (progress goes to stderr)" };
        var command = new Command("restore",
            "Restore an archive written by pgmove dump (or pg_dump --format=directory) into a target server, with the copy's plan; every file is checked first.")
        {
            archive, target, jobs, indexJobs, noOwner, noAcl, clean, verify, single, checkOnly, dir, pgBin, json, tune, timeline, roles,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var checking = parse.GetValue(checkOnly);
            var options = new ArchiveRestoreOptions
            {
                Directory = Path.GetFullPath(parse.GetValue(archive)!),
                Target = checking ? null : ConnectionArguments.Parse(parse.GetValue(target), "PGMOVE_TARGET", "--target"),
                Jobs = Math.Max(1, parse.GetValue(jobs)),
                IndexJobs = Math.Max(1, parse.GetValue(indexJobs) ?? parse.GetValue(jobs)),
                NoOwner = parse.GetValue(noOwner),
                NoAcl = parse.GetValue(noAcl),
                Clean = parse.GetValue(clean),
                Verify = parse.GetValue(verify),
                SingleTransaction = parse.GetValue(single),
                StateDirectory = parse.GetValue(dir)
                                 ?? Path.Combine(Path.GetTempPath(), "pgmove", "restore-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Environment.ProcessId),
                PgBin = parse.GetValue(pgBin),
                TuneTarget = parse.GetValue(tune),
                Roles = parse.GetValue(roles),
                TimelinePath = parse.GetValue(timeline),
            };
            if (checking)
            {
                var checkedArchive = await new RestoreRunner(options, display.PlainSink).CheckOnlyAsync(token);
                display.ShowLines([
                    $"pgmove restore --check-only: archive {checkedArchive.Directory} is complete and intact",
                    $"  {checkedArchive.Tables} tables, {Format.Count(checkedArchive.Rows)} rows, {Format.Bytes(checkedArchive.ArchiveBytes)}",
                ], checkedArchive);
                return ExitCode.Success;
            }
            var (summary, differences) = await display.RunAsync(sink => new RestoreRunner(options, sink).RunAsync(token));
            display.ShowLines([
                $"pgmove restore: done in {Format.Duration(summary.Elapsed)}",
                $"  target:  {summary.Target}",
                $"  tables:  {summary.Tables} ({Format.Count(summary.Rows)} rows loaded)",
                .. options.Verify ? [differences.Count == 0 ? "  verify:  every table's row count matches the archive's manifest"
                    : $"  verify:  {differences.Count} table(s) differ from the manifest:"] : Array.Empty<string>(),
                .. differences.Select(d => "    " + d),
            ], new { summary, differences });
            return differences.Count == 0 ? ExitCode.Success : ExitCode.Differences;
        }, parse.GetValue(json), ct));
        return command;
    }
}
