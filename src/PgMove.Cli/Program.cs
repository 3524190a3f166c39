using System.CommandLine;
using PgMove.Cli.Commands;

var root = new RootCommand("pgmove: move a PostgreSQL database from one server to another, fast and verifiably.");
root.Subcommands.Add(CopyCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(RolesCommand.Create());
root.Subcommands.Add(SyncCommand.Create());
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(CutoverCommand.Create());
root.Subcommands.Add(CleanupCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
var parse = root.Parse(args);
return await parse.InvokeAsync();
