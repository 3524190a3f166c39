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
            error,
        }, Json);
        lock (_lock) File.AppendAllText(_eventsPath, line + "\n");
    }
}
