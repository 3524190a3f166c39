using System.CommandLine;
using PgMove.Replication;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove cleanup</c>: drop the slot, publication and origin of a migration; optionally lift a cutover's fence; safe to repeat.</summary>
internal static class CleanupCommand
{
    public static Command Create()
    {
        var common = new MigrationArguments();
        var liftFence = new Option<bool>("--lift-fence")
        { Description = "Also lift a cutover's fence on the source (restores its connection limit and read-only setting): the way back" };
        var command = new Command("cleanup",
            "Drop the replication slot, publication (source) and origin (target) of the source database's migration.") { liftFence };
        common.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var done = await CleanupRunner.RunAsync(common.ParseSource(parse), common.ParseTarget(parse), parse.GetValue(common.Dir),
                parse.GetValue(liftFence), token);
            display.ShowLines(done.Count == 0
                ? ["pgmove cleanup: nothing to drop"]
                : ["pgmove cleanup: done", .. done.Select(d => "  " + d)], done);
        }, parse.GetValue(common.Json), ct));
        return command;
    }
}
