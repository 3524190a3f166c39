using PgMove.Cli.Rendering;
using PgMove.Errors;

namespace PgMove.Cli.Commands;

/// <summary>Runs a command body and turns its outcome into one error line and a documented exit code.</summary>
internal static class CommandRunner
{
    public static Task<int> RunAsync(Func<Display, CancellationToken, Task> body, bool json, CancellationToken ct) =>
        RunAsync(async (display, token) => { await body(display, token); return ExitCode.Success; }, json, ct);

    /// <summary>For commands whose answer is an exit code of its own (verify, check: 0 yes, 1 no).</summary>
    public static async Task<int> RunAsync(Func<Display, CancellationToken, Task<ExitCode>> body, bool json, CancellationToken ct)
    {
        await using var display = new Display(json);
        try
        {
            return (int)await body(display, ct);
        }
        catch (Exception e) when (ct.IsCancellationRequested)
        {
            // Whatever the interruption broke (a cancelled statement, a tool stopped by the same Ctrl-C, a closed
            // stream) reads as the interruption; a message that says what it left behind is kept.
            return display.Fail(e is PgMoveException { ExitCode: ExitCode.Interrupted or ExitCode.CutoverAborted } known ? known.Message : "interrupted",
                ExitCode.Interrupted);
        }
        catch (Exception e)
        {
            var known = ErrorMap.Map(e);
            return display.Fail(known.Message, known.ExitCode);
        }
    }
}
