using PgMove.Connections;

namespace PgMove.Replication;

/// <summary>What <c>pgmove cutover</c> was asked to do.</summary>
public sealed record CutoverOptions
{
    public required ConnectionSpec Source { get; init; }
    public required ConnectionSpec Target { get; init; }
    /// <summary>The running sync's state directory; null for the default derived from source and target.</summary>
    public string? StateDirectory { get; init; }
    /// <summary>Fence only once the slot's lag is at most this many bytes.</summary>
    public long MaxLagBytes { get; init; } = 1024 * 1024;
    /// <summary>How long to wait for the lag to come down, and then for the sync to finish.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    public bool DryRun { get; init; }
}
