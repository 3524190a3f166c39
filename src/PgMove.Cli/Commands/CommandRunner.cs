using PgMove.Cli.Rendering;
using PgMove.Errors;
using PgMove.Reporting;

namespace PgMove.Cli.Commands;

/// <summary>Runs a command body and turns its outcome into one error line and a documented exit code.</summary>
internal static class CommandRunner
{
    public static Task<int> RunAsync(Func<Display, CancellationToken, Task> body, bool json, CancellationToken ct) =>
        RunAsync(async (display, token) => { await body(display, token); return ExitCode.Success; }, json, ct);

    /// <summary>For commands whose answer is an exit code of its own (verify, check: 0 yes, 1 no).</summary>
    public static Task<int> RunAsync(Func<Display, CancellationToken, Task<ExitCode>> body, bool json, CancellationToken ct) =>
        RunAsync(body, json, null, ct);

    /// <summary>As above, and writes <paramref name="report"/> (--report) at the end, whatever the outcome.</summary>
    public static async Task<int> RunAsync(Func<Display, CancellationToken, Task<ExitCode>> body, bool json, ReportTarget? report,
        CancellationToken ct)
    {
        await using var display = new Display(json);
        var code = await RunBodyAsync(display, body, report, ct);
        if (report is null) return code;
        report.Report.ExitCode = code;
        try
        {
            await HtmlReport.WriteAsync(report.Path, report.Report, CancellationToken.None);
            Console.Error.WriteLine($"pgmove: report written to {report.Path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The run's own outcome stays the exit code: the migration did what it did, only the page is missing.
            Console.Error.WriteLine($"pgmove: warning: could not write the report {report.Path}: {e.Message}");
        }
        return code;
    }

    static async Task<int> RunBodyAsync(Display display, Func<Display, CancellationToken, Task<ExitCode>> body, ReportTarget? report,
        CancellationToken ct)
    {
        try
        {
            return (int)await body(display, ct);
        }
        catch (Exception e) when (ct.IsCancellationRequested)
        {
            // Whatever the interruption broke (a cancelled statement, a tool stopped by the same Ctrl-C, a closed
            // stream) reads as the interruption; a message that says what it left behind is kept.
            var message = e is PgMoveException { ExitCode: ExitCode.Interrupted or ExitCode.CutoverAborted } known ? known.Message : "interrupted";
            if (report is not null) report.Report.Error = message;
            return display.Fail(message, ExitCode.Interrupted);
        }
        catch (Exception e)
        {
            var known = ErrorMap.Map(e);
            if (report is not null) report.Report.Error = known.Message;
            return display.Fail(known.Message, known.ExitCode);
        }
    }
}
