using System.CommandLine;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Cli.Commands;

/// <summary>The options sync, status, cutover and cleanup share: the same --source, --target and --dir find the same migration.</summary>
internal sealed class MigrationArguments
{
    public Option<string?> Source { get; } = new("--source", "-s") { Description = "Source connection: URI or key=value conninfo (default: $PGMOVE_SOURCE)" };
    public Option<string?> Target { get; } = new("--target", "-t") { Description = "Target connection; database named like the source's when not given (default: $PGMOVE_TARGET)" };
    public Option<string?> Dir { get; } = new("--dir") { Description = "Local state directory: the sync's progress file, the cutover's result (default: derived from the migration, under the temp dir)" };
    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON on stdout (progress goes to stderr)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Source);
        command.Options.Add(Target);
        command.Options.Add(Dir);
        command.Options.Add(Json);
    }

    public ConnectionSpec ParseSource(ParseResult parse) => ConnectionArguments.Parse(parse.GetValue(Source), "PGMOVE_SOURCE", "--source");
    public ConnectionSpec ParseTarget(ParseResult parse) => ConnectionArguments.Parse(parse.GetValue(Target), "PGMOVE_TARGET", "--target");

}
