using System.CommandLine;
using PgMove.Replication;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove sync</c>: copy, then stream the source's changes to the target until <c>pgmove cutover</c>.</summary>
internal static class SyncCommand
{
    public static Command Create()
    {
        var common = new MigrationArguments();
        var copyOptions = new CopyCliOptions();
        var identityFull = new Option<bool>("--set-replica-identity-full")
        { Description = "Set REPLICA IDENTITY FULL on source tables without a primary key (otherwise sync refuses to start)" };
        var command = new Command("sync", "Online migration: copy (with the copy's options), then apply the source's changes continuously until `pgmove cutover`.")
        {
            identityFull,
        };
        common.AddTo(command);
        copyOptions.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var source = common.ParseSource(parse);
            var target = common.ParseTarget(parse);
            var options = new SyncOptions
            {
                Source = source,
                Target = target,
                Copy = copyOptions.Read(parse, source, target, stateDirectory: ""), // the sync sets its own
                StateDirectory = parse.GetValue(common.Dir),
                SetReplicaIdentityFull = parse.GetValue(identityFull),
            };
            var summary = await display.RunAsync(sink => new SyncRunner(options, sink).RunAsync(token));
            display.ShowLines([
                $"pgmove sync: done (cut over) {summary.Source} -> {summary.Target}",
                $"{summary.Transactions} transactions, {summary.Changes} changes applied; slot, publication and origin dropped by the cutover; " +
                $"progress file in {summary.StateDirectory}",
            ], summary);
        }, parse.GetValue(common.Json), ct));
        return command;
    }
}
