using PgMove.Planning;

namespace PgMove.Copy;

/// <summary>What a finished copy did: per-phase wall times and what moved.</summary>
public sealed record CopySummary(
    string Source,
    string Target,
    TimeSpan Elapsed,
    IReadOnlyList<PhaseTiming> Phases,
    int Tables,
    long Rows,
    long Bytes,
    int Sequences,
    long LargeObjects,
    string StateDirectory,
    IReadOnlyList<string> Notices)
{
    /// <summary>For a resumed run: what it skipped, redid and copied again; null for a first run.</summary>
    public Resume.ResumeSummary? Resume { get; init; }

    /// <summary>The source server's version (server_version).</summary>
    public string? SourceVersion { get; init; }

    /// <summary>The target server's version (server_version).</summary>
    public string? TargetVersion { get; init; }

    /// <summary>The plan's items with their times, for the HTML report's tables and timeline (not in --json).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<WorkItem> Items { get; init; } = [];

    /// <summary>Bytes per second over the data phase (0 when nothing moved).</summary>
    public double BytesPerSecond =>
        Phases.FirstOrDefault(p => p.Name == "data") is { Elapsed.TotalSeconds: > 0 } data ? Bytes / data.Elapsed.TotalSeconds : 0;

    /// <summary>The wall time of each phase, from its first item's start to its last item's end.</summary>
    public static IReadOnlyList<PhaseTiming> PhasesOf(IReadOnlyList<WorkItem> items) =>
        items.Where(i => i.StartedAt is not null && i.FinishedAt is not null)
            .GroupBy(i => PhaseOf(i.Kind))
            .Select(g => new PhaseTiming(g.Key, g.Max(i => i.FinishedAt!.Value) - g.Min(i => i.StartedAt!.Value), g.Count()))
            .OrderBy(p => Array.IndexOf(PhaseOrder, p.Name))
            .ToList();

    static readonly string[] PhaseOrder = ["schema", "data", "post-data", "analyze", "hooks"];

    static string PhaseOf(WorkItemKind kind) => kind switch
    {
        WorkItemKind.Schema => "schema",
        WorkItemKind.TableData or WorkItemKind.LargeObjects or WorkItemKind.Sequences or WorkItemKind.Snapshot => "data",
        WorkItemKind.PostData or WorkItemKind.Index or WorkItemKind.Constraint => "post-data",
        WorkItemKind.Hook => "hooks",
        _ => "analyze",
    };
}

/// <summary>One phase's wall time and number of items.</summary>
public sealed record PhaseTiming(string Name, TimeSpan Elapsed, int Items);
