using PgMove.Planning;

namespace PgMove.Schema;

/// <summary>
/// The large objects' comments, privileges and security labels, restored by pg_restore from the schema archive once
/// pgmove has created the objects itself (LargeObjectCopyItem with their owners; see CopyPlan.Input.CreatesLargeObjects).
/// Redoing it is harmless: a comment or a grant set twice is the same.
/// </summary>
public sealed class LargeObjectExtrasItem() : WorkItem("large-objects:extras", WorkItemKind.LargeObjects, "large objects' comments and privileges")
{
    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await context.Archive.RestoreLargeObjectExtrasAsync(context.Target, context.RestoreOptions, ct);
        return WorkResult.None;
    }
}
