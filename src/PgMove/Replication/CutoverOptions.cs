using PgMove.Connections;
using PgMove.Verify;

namespace PgMove.Replication;

/// <summary>What <c>pgmove cutover</c> was asked to do.</summary>
public sealed record CutoverOptions
{
    public required ConnectionSpec Source { get; init; }
    public required ConnectionSpec Target { get; init; }
    /// <summary>Where the result is kept for <c>pgmove status</c>; null for the default derived from the migration.</summary>
    public string? StateDirectory { get; init; }
    /// <summary>Fence only once the slot's lag is at most this many bytes.</summary>
    public long MaxLagBytes { get; init; } = 1024 * 1024;
    /// <summary>How long to wait for the lag to come down before fencing.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How long the source may stay fenced while the sync applies up to the fence; past it the fence is lifted.</summary>
    public TimeSpan FreezeTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The comparison run after the target is released.</summary>
    public VerifyLevel Verify { get; init; } = VerifyLevel.Checksums;
    /// <summary>Sessions per side for the verification.</summary>
    public int Jobs { get; init; } = 4;
    /// <summary>Shell command run before the fence; a failure aborts the cutover with nothing fenced.</summary>
    public string? BeforeFence { get; init; }
    /// <summary>Shell command run once the target is released.</summary>
    public string? AfterRelease { get; init; }
    public bool DryRun { get; init; }
}
