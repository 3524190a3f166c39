namespace PgMove.Planning;

/// <summary>
/// Ends the source transaction that holds the snapshot once everything that reads it is done, so the source's
/// vacuum is not held back during index builds.
/// </summary>
public sealed class SnapshotReleaseItem() : WorkItem("snapshot:release", WorkItemKind.Snapshot, "release source snapshot")
{
    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await context.Snapshot.ReleaseAsync(ct);
        return WorkResult.None;
    }
}
