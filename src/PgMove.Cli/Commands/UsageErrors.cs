using System.CommandLine;
using PgMove.Cli.Rendering;
using PgMove.Errors;

namespace PgMove.Cli.Commands;

/// <summary>
/// Command lines System.CommandLine could not parse (an unknown option or command, a bad value, no command at all):
/// exit 2, the usage error, like every other usage error, instead of the library's 1, which pgmove uses for
/// "verify found differences".
/// </summary>
internal static class UsageErrors
{
    public static int Report(ParseResult parse, RootCommand root, IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            // A bare `pgmove`: the overview of commands is the useful answer, on stderr since it is an error.
            root.Parse("--help").Invoke(new InvocationConfiguration { Output = Console.Error });
            return ErrorOutput.Write("no command given (see the list above)", ExitCode.Usage, json: false);
        }
        var command = parse.CommandResult.Command;
        var name = command == root ? "pgmove" : $"pgmove {command.Name}";
        var message = string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.'))) + $" (see `{name} --help`)";
        return ErrorOutput.Write(message, ExitCode.Usage, json: args.Contains("--json"));
    }
}
