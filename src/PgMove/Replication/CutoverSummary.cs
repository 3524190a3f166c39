using PgMove.Verify;

namespace PgMove.Replication;

/// <summary>The outcome of a cutover: how long the source refused writes, and what the verification after it found.</summary>
/// <param name="Source">The source, without password.</param>
/// <param name="Target">The target, without password.</param>
/// <param name="DryRun">Nothing was done; <paramref name="Steps"/> says what would be.</param>
/// <param name="LagBytesAtFence">The slot's lag when the fence was decided.</param>
/// <param name="Sequences">Sequences set to the source's values.</param>
/// <param name="Steps">The cutover's steps, in order.</param>
/// <param name="VerifyLevel">What the verification compared.</param>
/// <param name="WriteFreeze">From the fence to the target's release.</param>
/// <param name="Verification">The comparison of the fenced source with the target as of the fence; null when not asked for.</param>
/// <param name="LiftFenceSql">What lifts the fence on the source again (the way back): SQL to paste into any session on the source.</param>
/// <param name="Fence">The fence left on the source (what it replaced); null for a dry run.</param>
/// <param name="Warnings">What went wrong after the release (a hook, dropping the migration's objects).</param>
public sealed record CutoverSummary(string Source, string Target, bool DryRun, TimeSpan WriteFreeze, long LagBytesAtFence,
    int Sequences, IReadOnlyList<string> Steps, VerifyLevel VerifyLevel, VerifyReport? Verification, string LiftFenceSql,
    IReadOnlyList<string> Warnings, FenceRecord? Fence)
{
    /// <summary>True when a verification ran and found differences.</summary>
    public bool HasDifferences => Verification is { Equal: false };
}
