using System.Diagnostics;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// A user command run at a point of the cutover (<c>--before-fence</c>, <c>--after-release</c>), e.g. PgBouncer's
/// PAUSE and RESUME or a DNS change: run by /bin/sh with the migration's facts in PGMOVE_* environment variables
/// (never a password), its output passed on as progress. A non-zero exit is a failure of the hook.
/// </summary>
public sealed class CutoverHook(string point, string command)
{
    public string Point => point;
    public string Command => command;

    /// <summary>Runs the hook to completion; throws <see cref="PgMoveException"/> (step failed) when it fails.</summary>
    public async Task RunAsync(IReadOnlyDictionary<string, string> facts, Action<string> output, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        foreach (var (key, value) in facts) psi.Environment[key] = value;
        psi.Environment["PGMOVE_HOOK"] = point;
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output($"{point} hook: {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output($"{point} hook: {e.Data}"); };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new PgMoveException(ExitCode.StepFailed, $"the {point} hook could not be started: {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit(); // drains the output readers
        if (process.ExitCode != 0)
            throw new PgMoveException(ExitCode.StepFailed, $"the {point} hook `{command}` exited with {process.ExitCode}");
    }
}
