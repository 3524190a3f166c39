using PgMove.Planning;
using PgMove.Resume;

namespace PgMove.Copy;

/// <summary>The part of a copy's summary a resume adds.</summary>
internal static class ResumeSteps
{
    public static ResumeSummary Summarize(IReadOnlyList<WorkItem> items, ResumeDecision decision, ItemJournal journal)
    {
        var skipped = decision.Skipped.ToHashSet();
        var data = decision.Skipped.Where(i => i.Kind is WorkItemKind.TableData or WorkItemKind.LargeObjects).ToList();
        return new ResumeSummary(
            skipped.Count, decision.Redone.Count, items.Count(i => i.StartedAt is not null && !skipped.Contains(i)),
            decision.ChangedTables, decision.LargeObjectsChanged,
            data.Where(i => i.Kind == WorkItemKind.TableData).Sum(i => i.Result.Rows), data.Sum(i => i.Result.Bytes),
            TimeSpan.FromTicks(decision.Skipped.Sum(i => journal[i.Id]?.Took.Ticks ?? 0)));
    }
}
