using System.Diagnostics;
using System.Text.RegularExpressions;
using PgMove.Errors;

namespace PgMove.Schema;

/// <summary>A pg_dump/pg_restore pair from one installation, with its major version.</summary>
public sealed record PgToolset(string PgDump, string PgRestore, int Major, string Version)
{
    /// <summary>
    /// Picks the oldest installation whose major version is at least the source server's (pg_dump must be as new as
    /// the server it reads; the oldest such writes SQL the widest range of targets accepts). Looks in
    /// <paramref name="explicitDirectory"/> only when given, else in PATH and /usr/lib/postgresql/*/bin.
    /// </summary>
    public static PgToolset Locate(int sourceMajor, string? explicitDirectory)
    {
        var directories = explicitDirectory is not null ? [explicitDirectory] : CandidateDirectories();
        var found = new List<PgToolset>();
        var seen = new HashSet<string>();
        foreach (var dir in directories.Distinct())
        {
            var dump = Path.Combine(dir, "pg_dump");
            var restore = Path.Combine(dir, "pg_restore");
            if (!File.Exists(dump) || !File.Exists(restore)) continue;
            // Debian's PATH entries are links to the pg_wrapper script, which picks a version and execs the real binary
            // (0.1 s per call); the real binaries are found in /usr/lib/postgresql/*/bin, each checked once.
            var real = new FileInfo(dump).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dump;
            if (explicitDirectory is null && (real.EndsWith("/pg_wrapper", StringComparison.Ordinal) || !seen.Add(real))) continue;
            if (ReadVersion(dump) is { } v) found.Add(new PgToolset(dump, restore, v.Major, v.Text));
        }
        var best = found.Where(t => t.Major >= sourceMajor).OrderBy(t => t.Major).FirstOrDefault();
        if (best is not null) return best;
        var listed = found.Count == 0 ? "none found" : "found " + string.Join(", ", found.Select(t => $"{t.Version} ({t.PgDump})"));
        var where = explicitDirectory is not null ? $"in {explicitDirectory}" : "in PATH or /usr/lib/postgresql/*/bin";
        throw new PgMoveException(ExitCode.ToolMissing,
            $"no pg_dump/pg_restore of version {sourceMajor} or newer {where} ({listed}); " +
            $"install them, e.g. 'apt-get install postgresql-client-{sourceMajor}', or point --pg-bin at their directory");
    }

    static IEnumerable<string> CandidateDirectories()
    {
        if (Directory.Exists("/usr/lib/postgresql"))
            foreach (var dir in Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d))
                yield return Path.Combine(dir, "bin");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            yield return dir;
    }

    static (int Major, string Text)? ReadVersion(string program)
    {
        try
        {
            var psi = new ProcessStartInfo(program, "--version") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            // "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", "pg_dump (PostgreSQL) 9.6.24"
            var m = Regex.Match(output, @"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?");
            if (!m.Success) return null;
            var major = int.Parse(m.Groups[1].Value);
            return (major, output.Trim().Split('\n')[0]);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
