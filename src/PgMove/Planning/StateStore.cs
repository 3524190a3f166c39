using System.Text.Json;
using System.Text.Json.Serialization;

namespace PgMove.Planning;

/// <summary>
/// The run's record in the state directory: plan.json lists the items and their dependencies once;
/// items.jsonl gets one line per state change, so the last line of an item is where it stands.
/// </summary>
public sealed class StateStore
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    static readonly JsonSerializerOptions IndentedJson = new(Json) { WriteIndented = true };

    readonly string _eventsPath;
    readonly Lock _lock = new();

    public StateStore(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        Directory = directory;
        _eventsPath = Path.Combine(directory, "items.jsonl");
    }

    public string Directory { get; }

    /// <summary>Writes plan.json and starts an empty items.jsonl (a new run).</summary>
    public void WritePlan(IReadOnlyList<WorkItem> items)
    {
        var plan = items.Select(i => new
        {
            id = i.Id,
            kind = i.Kind,
            label = i.Label,
            cost = i.Cost,
            after = i.Dependencies.Select(d => d.Id).ToArray(),
        });
        File.WriteAllText(Path.Combine(Directory, "plan.json"),
            JsonSerializer.Serialize(new { created = DateTimeOffset.UtcNow, items = plan }, IndentedJson));
        File.WriteAllText(_eventsPath, "");
    }

    /// <summary>Appends the item's new state to items.jsonl, flushed to disk before returning.</summary>
    /// <param name="item">The item whose state changed.</param>
    /// <param name="worker">The worker running it.</param>
    /// <param name="error">Why it failed or was cancelled.</param>
    public void Record(WorkItem item, int? worker = null, string? error = null)
    {
        var line = JsonSerializer.Serialize(new
        {
            at = DateTimeOffset.UtcNow,
            id = item.Id,
            state = item.State,
            worker,
            rows = item.State == WorkItemState.Done ? item.Result.Rows : (long?)null,
            bytes = item.State == WorkItemState.Done ? item.Result.Bytes : (long?)null,
            files = item.State == WorkItemState.Done && item.TargetFiles.Count > 0 ? item.TargetFiles : null,
            error,
        }, Json);
        // fsync'd: a resume after a crash (kill -9, power loss) must never believe an item done that was not.
        lock (_lock)
        {
            using var file = new FileStream(_eventsPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            file.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
            file.Flush(flushToDisk: true);
        }
    }
}
