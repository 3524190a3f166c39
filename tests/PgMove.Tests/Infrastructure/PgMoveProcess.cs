using System.Diagnostics;

namespace PgMove.Tests.Infrastructure;

/// <summary>Runs the built pgmove command as a separate process, as a user would.</summary>
public static class PgMoveProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>The built pgmove with <paramref name="args"/>, output captured, in CI mode, without the caller's
    /// libpq and pgmove environment (so a test's connections are only what it says).</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pgmove.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CI"] = "true";
        foreach (var v in new[] { "PGPASSWORD", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGMOVE_SOURCE", "PGMOVE_TARGET" })
            psi.Environment.Remove(v);
        return psi;
    }

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = StartInfo(args);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>A fresh state directory for one run.</summary>
    public static string StateDir() => Path.Combine(Path.GetTempPath(), "pgmove-tests", "state-" + Guid.NewGuid().ToString("N"));
}
