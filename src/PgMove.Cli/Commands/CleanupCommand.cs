using System.CommandLine;
using PgMove.Replication;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove cleanup</c>: drop the slot, publication and origin a sync created; safe to repeat.</summary>
internal static class CleanupCommand
{
    public static Command Create()
    {
        var common = new MigrationArguments();
        var command = new Command("cleanup", "Drop the replication slot, publication (source) and origin (target) a sync of this source and target created.");
        common.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var dropped = await CleanupRunner.RunAsync(common.ParseSource(parse), common.ParseTarget(parse), parse.GetValue(common.Dir), token);
            display.ShowLines(dropped.Count == 0
                ? ["pgmove cleanup: nothing to drop"]
                : ["pgmove cleanup: dropped", .. dropped.Select(d => "  " + d)], dropped);
        }, parse.GetValue(common.Json), ct));
        return command;
    }
}
