using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace PgMove.Cli.Commands;

/// <summary>
/// <c>pgmove --version</c>: the version and the git commit it was built from, which the SDK embeds in the
/// informational version ("1.0.0+&lt;commit&gt;") when it builds from a git checkout.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Text());
        return 0;
    }

    /// <summary>"pgmove 1.0.0 (commit 3a92521d65)", or "(commit unknown)" for a build outside git.</summary>
    public static string Text()
    {
        var informational = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+');
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        return $"pgmove {version} (commit {(commit.Length > 12 ? commit[..12] : commit)})";
    }
}
