using System.Text.Json;
using PgMove.Planning;

namespace PgMove.Resume;

/// <summary>
/// What the state directory says about the interrupted run: plan.json's item ids and, from items.jsonl, where each item
/// stands (its last line). A torn last line (a crash in the middle of a write) is ignored: its item is redone.
/// </summary>
public sealed class ItemJournal
{
    readonly Dictionary<string, JournalEntry> _entries = [];

    ItemJournal(IReadOnlyList<string> planIds) => PlanIds = planIds;

    /// <summary>The ids of the recorded plan, in its order.</summary>
    public IReadOnlyList<string> PlanIds { get; }

    /// <summary>The recorded entry of an item, or null when it never got a line.</summary>
    /// <param name="id">The item's id.</param>
    public JournalEntry? this[string id] => _entries.GetValueOrDefault(id);

    /// <summary>Reads plan.json and items.jsonl of <paramref name="directory"/>.</summary>
    /// <param name="directory">The state directory.</param>
    public static ItemJournal Read(string directory)
    {
        var planPath = Path.Combine(directory, "plan.json");
        if (!File.Exists(planPath))
            throw RunManifest.Refuse($"--resume: {directory} has a manifest but no plan.json; nothing was changed");
        using var plan = JsonDocument.Parse(File.ReadAllText(planPath));
        var journal = new ItemJournal(plan.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("id").GetString()!).ToList());
        var events = Path.Combine(directory, "items.jsonl");
        if (File.Exists(events))
            foreach (var line in File.ReadLines(events))
                journal.Apply(line);
        return journal;
    }

    void Apply(string line)
    {
        JsonElement e;
        try
        {
            e = JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException)
        {
            return; // a line torn by the crash
        }
        var id = e.GetProperty("id").GetString()!;
        var state = Enum.Parse<WorkItemState>(e.GetProperty("state").GetString()!);
        var at = e.GetProperty("at").GetDateTimeOffset();
        var entry = _entries.GetValueOrDefault(id) ?? new JournalEntry();
        entry = state switch
        {
            WorkItemState.Running => entry with { State = state, Started = true, RunningSince = at },
            WorkItemState.Done => entry with
            {
                State = state,
                Rows = e.TryGetProperty("rows", out var r) ? r.GetInt64() : 0,
                Bytes = e.TryGetProperty("bytes", out var b) ? b.GetInt64() : 0,
                Took = entry.RunningSince is { } since ? at - since : TimeSpan.Zero,
                Files = e.TryGetProperty("files", out var f) ? f.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetUInt32()) : null,
            },
            _ => entry with { State = state },
        };
        _entries[id] = entry;
    }
}
