using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace PgMove.Cli.Commands;

/// <summary>
/// <c>--help</c> as System.CommandLine writes it, followed by a few example command lines for the command asked
/// about: an example answers "what do I type" faster than the option list. Kept out of the commands' descriptions,
/// which the command list of <c>pgmove --help</c> shows in full.
/// </summary>
internal sealed class ExamplesHelpAction(HelpAction inner) : SynchronousCommandLineAction
{
    static readonly Dictionary<string, string[]> Examples = new(StringComparer.Ordinal)
    {
        ["pgmove"] =
        [
            "pgmove check  -s postgres://app@old-db/shop -t postgres://admin@new-db/shop",
            "pgmove copy   -s postgres://app@old-db/shop -t postgres://admin@new-db/shop --jobs 8 --verify",
        ],
        ["copy"] =
        [
            "pgmove copy --source postgres://app@old-db:5432/shop --target postgres://app@new-db:5432/shop",
            "pgmove copy -s \"host=old-db user=app dbname=shop\" -t \"host=new-db user=app\" -j 8 --verify",
            "pgmove copy -s ... -t ... --clean --split-larger-than 2GB --json > summary.json",
            "pgmove copy --all-databases -s postgres://admin@old-db/postgres -t postgres://admin@new-db/postgres -j 8 --dir /var/tmp/move",
        ],
        ["check"] =
        [
            "pgmove check --source postgres://app@old-db/shop --target postgres://admin@new-db/shop --jobs 8",
            "pgmove check -s ... -t ... --online --json > report.json",
            "pgmove check --all-databases -s postgres://admin@old-db/postgres -t postgres://admin@new-db/postgres",
        ],
        ["roles"] =
        [
            "pgmove roles -s postgres://admin@old-db/shop -t postgres://migrator@new-db/postgres --dry-run",
            "pgmove roles -s ... -t ... --superuser-role rds_superuser",
            "pgmove roles --all -s postgres://admin@old-db/postgres -t postgres://admin@new-db/postgres",
        ],
        ["verify"] =
        [
            "pgmove verify --source postgres://app@old-db/shop --target postgres://app@new-db/shop",
            "pgmove verify -s ... -t ... --jobs 8 --max-rows 50 --acl --json > report.json",
            "pgmove verify --all-databases -s postgres://admin@old-db/postgres -t postgres://admin@new-db/postgres",
        ],
        ["sync"] = ["pgmove sync -s postgres://app@old-db/shop -t postgres://app@new-db/shop --jobs 4"],
        ["status"] = ["pgmove status -s postgres://app@old-db/shop -t postgres://app@new-db/shop"],
        ["cutover"] =
        [
            "pgmove cutover -s postgres://app@old-db/shop -t postgres://app@new-db/shop --dry-run",
            "pgmove cutover -s ... -t ... --max-lag 16MB --timeout 300",
        ],
        ["cleanup"] = ["pgmove cleanup -s postgres://app@old-db/shop -t postgres://app@new-db/shop"],
    };

    /// <summary>Puts this action in place of the help option's own, for every command.</summary>
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExamplesHelpAction((HelpAction)help.Action!);
    }

    /// <summary>The examples of a command ("pgmove" for the root), for tests and for the help text.</summary>
    public static IReadOnlyList<string> For(string command) => Examples.GetValueOrDefault(command, []);

    public override int Invoke(ParseResult parseResult)
    {
        var code = inner.Invoke(parseResult);
        var command = parseResult.CommandResult.Command;
        var examples = For(command is RootCommand ? "pgmove" : command.Name);
        if (examples.Count == 0) return code;
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine("Examples:");
        foreach (var example in examples) output.WriteLine("  " + example);
        output.WriteLine();
        return code;
    }
}
