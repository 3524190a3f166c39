using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace PgMove.Tests.Infrastructure;

/// <summary>A pgmove command running in the background (a sync, a long copy), which a test can wait for, stop or kill -9.</summary>
public sealed class BackgroundPgMove : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    BackgroundPgMove(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;

    public static BackgroundPgMove Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts pgmove with <paramref name="args"/> and these environment variables set.</summary>
    public static BackgroundPgMove Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = PgMoveProcess.StartInfo(args);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return new(Process.Start(psi)!);
    }

    /// <summary>Waits until the sync's state file in <paramref name="stateDir"/> says it is streaming.</summary>
    public async Task WaitForPhaseAsync(string stateDir, string phase, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new Xunit.Sdk.XunitException($"pgmove exited ({_process.ExitCode}) before '{phase}':\n{Output}");
            try
            {
                using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(stateDir, "sync.json")));
                if (doc.RootElement.GetProperty("phase").GetString() == phase) return;
            }
            catch (Exception e) when (e is IOException or JsonException) { }
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"no '{phase}' phase within {timeout}:\n{Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"pgmove did not exit within {timeout}:\n{Output}");
        }
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as a service manager or a Ctrl-C would stop it: pgmove's interruption path runs.</summary>
    public void Terminate() => Signal("-TERM");

    /// <summary>SIGSTOP: pgmove stops where it is, so a test can read the servers' state without a race, then kill or resume it.</summary>
    public void Pause() => Signal("-STOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal("-CONT");

    void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"no '{text}' in the output (exited: {_process.HasExited}):\n{Output}");
            await Task.Delay(10); // fault-injection tests kill right after a line: react fast
        }
    }

    /// <summary>SIGKILL: no cleanup code of pgmove runs, as after a crash or an OOM kill.</summary>
    public void Kill9()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill9();
        _process.Dispose();
    }
}
