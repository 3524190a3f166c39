using PgMove.Copy;
using PgMove.Planning;
using PgMove.Preflight;
using PgMove.Replication;
using PgMove.Verify;

namespace PgMove.Reporting;

/// <summary>
/// The facts of one command run that <see cref="HtmlReport"/> writes down: filled in by the command as it learns
/// them, so a run that fails half-way still gets a report of what it knew. Connections are kept as pgmove prints
/// them (without passwords).
/// </summary>
public sealed class RunReport
{
    /// <summary>The command: copy, verify, check or cutover.</summary>
    public required string Command { get; init; }
    /// <summary>When the command started.</summary>
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.Now;
    /// <summary>When the command ended; set by <see cref="HtmlReport.WriteAsync"/> when not set before.</summary>
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>The source connection, without password.</summary>
    public string? Source { get; set; }
    /// <summary>The target connection, without password.</summary>
    public string? Target { get; set; }
    /// <summary>The source server's version, when known.</summary>
    public string? SourceVersion { get; set; }
    /// <summary>The target server's version, when known.</summary>
    public string? TargetVersion { get; set; }
    /// <summary>The options the run was given, as name and value (no secrets: connections are given above).</summary>
    public List<KeyValuePair<string, string>> Options { get; } = [];
    /// <summary>A copy's summary (phases, rows, bytes).</summary>
    public CopySummary? Copy { get; set; }
    /// <summary>The plan's items with their start/end times, for the per-table table and the timeline chart.</summary>
    public IReadOnlyList<WorkItem> Items { get; set; } = [];
    /// <summary>What verify found (verify, copy --verify, the cutover's verification).</summary>
    public VerifyReport? Verification { get; set; }
    /// <summary>The preflight items (check).</summary>
    public CheckReport? Check { get; set; }
    /// <summary>A cutover's outcome.</summary>
    public CutoverSummary? Cutover { get; set; }
    /// <summary>The process exit code.</summary>
    public int ExitCode { get; set; }
    /// <summary>The error that ended the run, when it failed.</summary>
    public string? Error { get; set; }

    /// <summary>Adds an option (name, value) to the report's facts.</summary>
    public RunReport WithOption(string name, object? value)
    {
        if (value is not null and not false) Options.Add(new(name, value is true ? "yes" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        return this;
    }
}
