using PgMove.Planning;

namespace PgMove.Resume;

/// <summary>Where one item of an interrupted run stands, from its lines in items.jsonl.</summary>
public sealed record JournalEntry
{
    public WorkItemState State { get; init; } = WorkItemState.Pending;
    /// <summary>It was started at least once: it may have left something behind unless done.</summary>
    public bool Started { get; init; }
    /// <summary>When its last attempt started.</summary>
    public DateTimeOffset? RunningSince { get; init; }
    public long Rows { get; init; }
    public long Bytes { get; init; }
    /// <summary>How long its successful attempt took: the work a resume saves by skipping it.</summary>
    public TimeSpan Took { get; init; }
    /// <summary>For data items: table → relfilenode on the target when it was done.</summary>
    public IReadOnlyDictionary<string, uint>? Files { get; init; }
}
