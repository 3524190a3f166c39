using System.CommandLine;
using PgMove.Cli.Commands;

var root = new RootCommand("pgmove: move a PostgreSQL database from one server to another, fast and verifiably.");
root.Subcommands.Add(CopyCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
var parse = root.Parse(args);
return await parse.InvokeAsync();
