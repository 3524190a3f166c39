using PgMove.Errors;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Schema;

namespace PgMove.Hooks;

/// <summary>
/// Runs a user's SQL file on the target database with psql (<c>-X -v ON_ERROR_STOP=1 -f FILE</c>): any statements
/// and psql meta-commands, in the file's own transactions. Its output and NOTICEs go to the run's log. A failing statement
/// stops the run with exit 13 and psql's message, which names the file and the line. Like every item it is recorded
/// in the run's journal: a resume skips a hook that finished, and runs one that was interrupted again, whole.
/// </summary>
/// <param name="point">after-pre-data or after-copy.</param>
/// <param name="file">The SQL file (absolute path).</param>
public sealed class HookItem(string point, string file)
    : WorkItem($"hook:{point}", WorkItemKind.Hook, $"run --{point} hook {Path.GetFileName(file)}")
{
    /// <summary>The SQL file.</summary>
    public string File { get; } = file;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var psql = context.Archive.Psql;
        void Log(string line)
        {
            if (line.Length > 0) context.Sink.Report(new Notice($"--{point} {Path.GetFileName(File)}: {line}"));
        }
        string output;
        try
        {
            output = await ToolRunner.RunAsync(psql, ["-X", "-v", "ON_ERROR_STOP=1", "-f", File, $"--dbname={context.Target.ToLibpqConnInfo()}"],
                context.Target, new Dictionary<string, string>(), $"--{point} hook {File}", ct, stderrLine: Log);
        }
        catch (PgMoveException e) when (e.ExitCode == ExitCode.StepFailed)
        {
            throw new PgMoveException(ExitCode.HookFailed, e.Message, e);
        }
        foreach (var line in output.Split('\n')) Log(line.TrimEnd());
        return WorkResult.None;
    }
}
