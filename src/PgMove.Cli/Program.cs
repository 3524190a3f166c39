using System.CommandLine;
using PgMove.Cli.Commands;
using PgMove.Cli.Rendering;
using PgMove.Errors;

var root = new RootCommand("pgmove: move a PostgreSQL database from one server to another, fast and verifiably.\n\nExit codes:\n" +
    string.Join('\n', ExitCodes.All.Select(c => $"  {(int)c,3}  {ExitCodes.Meaning(c)}")));
root.Subcommands.Add(CopyCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(RolesCommand.Create());
root.Subcommands.Add(SyncCommand.Create());
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(CutoverCommand.Create());
root.Subcommands.Add(CleanupCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(DumpCommand.Create());
root.Subcommands.Add(RestoreCommand.Create());
var logFormat = new Option<string>("--log-format")
{
    Description = "Log lines as plain text or as JSON objects, one a line, for log shippers (json also turns off the live view)",
    Recursive = true,
    DefaultValueFactory = _ => "plain",
};
logFormat.AcceptOnlyFromAmong(LogOutput.Formats);
root.Options.Add(logFormat);
root.Options.OfType<VersionOption>().Single().Action = new VersionAction();
ExamplesHelpAction.Install(root);
var parse = root.Parse(args);
// Read from the tokens, not GetValue: a usage error elsewhere on the line is reported in the chosen format too.
LogOutput.Json = parse.GetResult(logFormat) is { Tokens: [.., { Value: "json" }] };
if (parse.Errors.Count > 0 && parse.Action is not (VersionAction or ExamplesHelpAction)) return UsageErrors.Report(parse, root, args);
// On Ctrl-C or SIGTERM a run cancels its statements and puts back what it changed on the servers (temporary role
// memberships, --tune-target settings): allow it more than System.CommandLine's default 2 s before a forced exit.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
