namespace PgMove.Cli.Rendering;

/// <summary>
/// The process's <c>--log-format</c>, set once from the command line before a command runs: a global option that
/// every command's display and its error line follow, and one process runs one command.
/// </summary>
internal static class LogOutput
{
    /// <summary>The option's values.</summary>
    public static readonly string[] Formats = ["plain", "json"];

    /// <summary>Whether log lines (progress, notices, the error line) are JSON objects, one a line.</summary>
    public static bool Json { get; set; }
}
