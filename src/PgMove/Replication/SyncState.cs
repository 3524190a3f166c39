namespace PgMove.Replication;

/// <summary>
/// What a running sync publishes in its state directory (sync.json, rewritten about once a second): read by
/// status (on the same machine) for the apply rate; the migration itself is found on the servers.
/// </summary>
public sealed record SyncState
{
    public int Pid { get; init; }
    /// <summary>copying, streaming, finishing, done or failed.</summary>
    public string Phase { get; init; } = SyncPhase.Copying;
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>End LSN of the last source transaction committed on the target.</summary>
    public string? AppliedLsn { get; init; }
    /// <summary>Source commit time of that transaction.</summary>
    public DateTimeOffset? AppliedCommitTime { get; init; }
    public long Transactions { get; init; }
    public long Changes { get; init; }
    /// <summary>Changes applied per second over the last few seconds.</summary>
    public double ChangesPerSecond { get; init; }
    /// <summary>Source WAL not yet confirmed as applied, in bytes, while streaming; null when the source could not be read.</summary>
    public long? LagBytes { get; init; }
    /// <summary>The source's measure of the apply delay in seconds (0 when caught up).</summary>
    public double? LagSeconds { get; init; }
    /// <summary>Seconds until the lag is applied at the current rate; null when not catching up.</summary>
    public double? EtaSeconds { get; init; }
    public string? Error { get; init; }
    /// <summary>The exit code the failed sync ends with; cutover ends with the same.</summary>
    public int? FailureCode { get; init; }

    /// <summary>Whether the process that wrote this is still running (same pid, written recently).</summary>
    public bool IsAlive(TimeSpan staleAfter)
    {
        if (DateTimeOffset.UtcNow - UpdatedAt > staleAfter) return false;
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(Pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
