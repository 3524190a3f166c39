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
        var metricsPort = new Option<int?>("--metrics-port")
        { Description = "Serve Prometheus metrics (lag, apply rate, changes, phase, WAL retained) on http://*:PORT/metrics while the sync runs" };
        var apply = new Option<string>("--apply")
        {
            Description = "Who applies the changes after the copy: own (pgmove, default) or native (a subscription on the target pulls " +
                          "from pgmove's slot; needs a target superuser or pg_create_subscription on PostgreSQL 16+)",
            DefaultValueFactory = _ => "own",
        };
        apply.AcceptOnlyFromAmong("own", "native");
        var command = new Command("sync", "Online migration: copy (with the copy's options), then apply the source's changes continuously until `pgmove cutover`.")
        {
            identityFull, metricsPort, apply,
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
                NativeApply = parse.GetValue(apply) == "native",
            };
            if (parse.GetValue(metricsPort) is < 1 or > 65535)
                throw new PgMove.Errors.PgMoveException(PgMove.Errors.ExitCode.Usage, "--metrics-port must be a TCP port (1-65535)");
            await using var metrics = parse.GetValue(metricsPort) is { } port ? PgMove.Monitoring.SyncMetrics.Start(port, source, target) : null;
            var summary = await display.RunAsync(sink => new SyncRunner(options, sink) { Observer = metrics is null ? null : metrics.Observe }.RunAsync(token));
            display.ShowLines([
                $"pgmove sync: done (cut over) {summary.Source} -> {summary.Target}",
                $"{summary.Transactions} transactions, {summary.Changes} changes applied; slot, publication and origin dropped by the cutover; " +
                $"progress file in {summary.StateDirectory}",
            ], summary);
        }, parse.GetValue(common.Json), ct));
        return command;
    }
}
