using System.CommandLine;
using PgMove.Errors;
using PgMove.Replication;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove cutover</c>: fence the source and let the running sync finish the migration.</summary>
internal static class CutoverCommand
{
    public static Command Create()
    {
        var common = new MigrationArguments();
        var maxLag = SizeParser.Option("--max-lag", "Fence the source only once the sync lags at most this much WAL (e.g. 1MB, 512kB, bytes; default 1MB)");
        var timeout = new Option<int>("--timeout")
        { Description = "Seconds to wait for the lag to come down, then for the sync to finish", DefaultValueFactory = _ => 600 };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be done; change nothing" };
        var command = new Command("cutover", "Switch over: fence writes on the source, wait until the sync applied everything, finish the sync.")
        {
            maxLag, timeout, dryRun,
        };
        common.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            if (parse.GetValue(timeout) < 1) throw new PgMoveException(ExitCode.Usage, "--timeout must be at least 1");
            var options = new CutoverOptions
            {
                Source = common.ParseSource(parse),
                Target = common.ParseTarget(parse),
                StateDirectory = parse.GetValue(common.Dir),
                MaxLagBytes = parse.GetValue(maxLag) ?? 1024 * 1024,
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                DryRun = parse.GetValue(dryRun),
            };
            var summary = await display.RunAsync(sink => new CutoverRunner(options, sink).RunAsync(token));
            display.ShowLines(summary.DryRun
                ? ["pgmove cutover: dry run, nothing was changed; it would:", .. summary.Steps.Select(s => "  " + s)]
                : [
                    $"pgmove cutover: done {summary.Source} -> {summary.Target}",
                    $"write freeze {summary.WriteFreeze.TotalSeconds:0.000} s (lag at the fence {summary.LagBytesAtFence} bytes); " +
                    $"{summary.Sequences} sequences set, {summary.TablesVerified} tables verified",
                    $"the source database {options.Source.Database} is now read-only by default; point the applications at the target",
                ], summary);
        }, parse.GetValue(common.Json), ct));
        return command;
    }
}
