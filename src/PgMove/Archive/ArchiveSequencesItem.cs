using PgMove.Planning;
using PgMove.Sequences;

namespace PgMove.Archive;

/// <summary>Sets every target sequence to the value the archive's manifest recorded (read in the dump's snapshot).</summary>
/// <param name="manifest">The archive's manifest.</param>
public sealed class ArchiveSequencesItem(ArchiveManifest manifest) : WorkItem("archive:sequences", WorkItemKind.Sequences, "set sequences")
{
    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var target = await context.OpenTargetAsync(ct);
        await SequenceSetItem.SetAsync(target, manifest.Sequences, ct);
        progress(manifest.Sequences.Count, 0);
        return new WorkResult(manifest.Sequences.Count, 0);
    }
}
