using System.CommandLine;
using PgMove.Errors;
using PgMove.Replication;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove status</c>: phase, lag, apply rate and WAL retained of an online migration, read from the servers.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var common = new MigrationArguments();
        var command = new Command("status",
            "Show an online migration's phase, lag, apply rate, WAL retained on the source and the last cutover's result (exit 1: none found).");
        common.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var r = await StatusRunner.ReadAsync(common.ParseSource(parse), common.ParseTarget(parse), parse.GetValue(common.Dir), token);
            display.ShowLines(Lines(r), r);
            return r.Found ? ExitCode.Success : ExitCode.Differences;
        }, parse.GetValue(common.Json), ct));
        return command;
    }

    static IEnumerable<string> Lines(StatusReport r)
    {
        yield return $"{r.Source} -> {r.Target}: {r.Phase}{(r.Fenced ? "; the source is fenced" : "")}";
        if (r.Migration is not null) yield return $"migration {r.Slot} {r.Migration}";
        if (r.SlotExists)
            yield return $"slot {r.Slot}: {(r.SlotActivePid is { } pid ? $"streaming (walsender pid {pid})" : "not streaming")}, " +
                         $"lag {Mb(r.LagBytes)} ({r.LagSeconds?.ToString("0.0") ?? "?"} s), apply rate {Mb(r.ApplyBytesPerSecond)}/s of WAL" +
                         $"{(r.ChangesPerSecond is { } c ? $" ({c:0} changes/s)" : "")}{(r.EtaSeconds is { } eta ? $", lag applied in about {eta:0} s at this rate" : "")}, WAL retained {Mb(r.RetainedBytes)}, applied up to source LSN {r.AppliedLsn ?? "-"}";
        if (r.LastCutover is { } cut)
            yield return $"last cutover from this machine at {cut.At:yyyy-MM-dd HH:mm:ss} UTC: write freeze {cut.FreezeSeconds:0.000} s, verification ({cut.VerifyLevel}): " +
                         (cut.Equal switch { null => "none", true => "equal", false => $"DIFFERENCES ({cut.SchemaDifferences} in the schema, {cut.DifferentTables} tables)" });
    }

    static string Mb(double? bytes) => bytes is { } b ? $"{b / (1024 * 1024):0.00} MB" : "?";
    static string Mb(long? bytes) => Mb((double?)bytes);
}
