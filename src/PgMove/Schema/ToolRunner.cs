using System.Diagnostics;
using System.Text;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Schema;

/// <summary>Runs a client tool with a connection, the password passed only through the environment.</summary>
internal static class ToolRunner
{
    /// <summary>Runs the tool to completion and returns its standard output.</summary>
    /// <remarks>
    /// acceptErrors, given the standard error of a failed run, says whether its errors were expected ones; stderrLine, when
    /// given, gets each line of standard error as it comes (passwords scrubbed).
    /// </remarks>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, ConnectionSpec connection,
        IReadOnlyDictionary<string, string> extraEnvironment, string what, CancellationToken ct, Func<string, bool>? acceptErrors = null,
        Action<string>? stderrLine = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment.Remove("PGPASSWORD");
        foreach (var (k, v) in connection.ToolEnvironment()) psi.Environment[k] = v;
        foreach (var (k, v) in extraEnvironment) psi.Environment[k] = v;

        using var process = Process.Start(psi)
            ?? throw new PgMoveException(ExitCode.ToolMissing, $"cannot start {program}");
        var stderr = new StringBuilder();
        var readErr = Task.Run(async () =>
        {
            string? line;
            while ((line = await process.StandardError.ReadLineAsync(CancellationToken.None)) is not null)
            {
                lock (stderr) stderr.AppendLine(line);
                stderrLine?.Invoke(Scrub(line, connection));
            }
        }, CancellationToken.None);
        var readOut = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        await readErr;
        var output = await readOut;
        if (process.ExitCode != 0 && !(acceptErrors?.Invoke(stderr.ToString()) ?? false))
        {
            var message = Scrub(stderr.ToString(), connection).Trim();
            var lines = message.Split('\n');
            var shown = string.Join(" | ", lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3));
            if (shown.Length == 0) shown = string.Join(" | ", lines.Take(3));
            throw new PgMoveException(ExitCode.StepFailed, $"{what} failed ({Path.GetFileName(program)} exit {process.ExitCode}): {shown}");
        }
        return output;
    }

    static string Scrub(string text, ConnectionSpec connection) =>
        connection.Password is { Length: > 0 } pw ? text.Replace(pw, "********") : text;
}
