using System.CommandLine;
using PgMove.Errors;
using PgMove.Replication;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove status</c>: lag, apply rate, WAL retained and phase of an online migration.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var common = new MigrationArguments();
        var command = new Command("status", "Show an online migration's lag, apply rate, WAL retained on the source and phase (exit 1: none found).");
        common.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var r = await StatusRunner.ReadAsync(common.ParseSource(parse), common.ParseTarget(parse), parse.GetValue(common.Dir), token);
            display.ShowLines([
                $"{r.Source} -> {r.Target}: {r.Phase}",
                r.SlotExists
                    ? $"slot {r.Slot}: {(r.SlotActivePid is { } pid ? $"streaming (walsender pid {pid})" : "not streaming")}, " +
                      $"lag {r.LagBytes?.ToString() ?? "?"} bytes ({r.LagSeconds?.ToString("0.0") ?? "?"} s), WAL retained {r.RetainedBytes} bytes"
                    : $"slot {r.Slot}: none on the source",
                $"applied {r.Transactions ?? 0} transactions, {r.Changes ?? 0} changes, {r.ChangesPerSecond ?? 0:0.#} changes/s, source LSN {r.AppliedLsn ?? "-"}; state in {r.StateDirectory}",
            ], r);
            return r.SlotExists || r.Phase != "not running" ? ExitCode.Success : ExitCode.Differences;
        }, parse.GetValue(common.Json), ct));
        return command;
    }
}
