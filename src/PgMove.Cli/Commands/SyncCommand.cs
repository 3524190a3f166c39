using System.CommandLine;
using PgMove.Errors;
using PgMove.Replication;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove sync</c>: copy, then stream the source's changes to the target until <c>pgmove cutover</c>.</summary>
internal static class SyncCommand
{
    public static Command Create()
    {
        var common = new MigrationArguments();
        var jobs = new Option<int>("--jobs", "-j") { Description = "Tables copied in parallel", DefaultValueFactory = _ => 4 };
        var indexJobs = new Option<int?>("--index-jobs") { Description = "Parallel index/constraint builds (default: --jobs)" };
        var clean = new Option<bool>("--clean") { Description = "Drop what the copy creates first when the target is not empty" };
        var noOwner = new Option<bool>("--no-owner") { Description = "Do not restore object ownership" };
        var noAcl = new Option<bool>("--no-acl") { Description = "Do not restore privileges (GRANT/REVOKE)" };
        var pgBin = new Option<string?>("--pg-bin") { Description = "Directory of pg_dump/pg_restore" };
        var identityFull = new Option<bool>("--set-replica-identity-full")
        { Description = "Set REPLICA IDENTITY FULL on source tables without a primary key (otherwise sync refuses to start)" };
        var command = new Command("sync", "Online migration: copy, then apply the source's changes continuously until `pgmove cutover`.")
        {
            jobs, indexJobs, clean, noOwner, noAcl, pgBin, identityFull,
        };
        common.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var j = parse.GetValue(jobs);
            var ij = parse.GetValue(indexJobs) ?? j;
            if (j < 1 || ij < 1) throw new PgMoveException(ExitCode.Usage, "--jobs and --index-jobs must be at least 1");
            var options = new SyncOptions
            {
                Source = common.ParseSource(parse),
                Target = common.ParseTarget(parse),
                Jobs = j,
                IndexJobs = ij,
                Clean = parse.GetValue(clean),
                NoOwner = parse.GetValue(noOwner),
                NoAcl = parse.GetValue(noAcl),
                StateDirectory = parse.GetValue(common.Dir),
                PgBin = parse.GetValue(pgBin),
                SetReplicaIdentityFull = parse.GetValue(identityFull),
            };
            var summary = await display.RunAsync(sink => new SyncRunner(options, sink).RunAsync(token));
            display.ShowLines([
                $"pgmove sync: done (cut over) {summary.Source} -> {summary.Target}",
                $"{summary.Transactions} transactions, {summary.Changes} changes applied; {summary.Sequences} sequences set; " +
                $"{summary.TablesVerified} tables verified; slot, publication and origin dropped; state in {summary.StateDirectory}",
            ], summary);
        }, parse.GetValue(common.Json), ct));
        return command;
    }
}
