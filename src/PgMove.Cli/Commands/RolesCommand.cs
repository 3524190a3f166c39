using System.CommandLine;
using PgMove.Cli.Rendering;
using PgMove.Globals;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove roles</c>: creates on the target the roles the source database depends on.</summary>
internal static class RolesCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source", "-s")
        { Description = "Source connection: URI or key=value conninfo (default: $PGMOVE_SOURCE); its database says which roles matter" };
        var target = new Option<string?>("--target", "-t")
        { Description = "Target connection (default: $PGMOVE_TARGET); per-database role settings go to its database when it exists" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be created, change nothing" };
        var all = new Option<bool>("--all") { Description = "Every role of the source server (its database is only the one to connect to), not only those the database depends on" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout" };
        var globals = new GlobalsCliOptions(copy: false);
        var command = new Command("roles", "Create on the target the roles a database depends on: owners, grantees and their memberships.")
        {
            source, target, all, dryRun, json,
        };
        globals.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var options = globals.Read(parse) with { DryRun = parse.GetValue(dryRun), AllRoles = parse.GetValue(all) };
            var runner = new RolesRunner(
                ConnectionArguments.Parse(parse.GetValue(source), "PGMOVE_SOURCE", "--source"),
                ConnectionArguments.Parse(parse.GetValue(target), "PGMOVE_TARGET", "--target"),
                options, display.PlainSink);
            display.ShowResult(await runner.RunAsync(token), RolesView.Render);
        }, parse.GetValue(json), ct));
        return command;
    }
}
