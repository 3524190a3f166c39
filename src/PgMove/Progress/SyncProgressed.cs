namespace PgMove.Progress;

/// <summary>
/// A streaming sync's totals, about once a second: what a live display shows once the copy is over (the periodic
/// <see cref="Notice"/> lines are for logs and come every ten seconds at most).
/// </summary>
/// <param name="Transactions">Source transactions applied on the target since the sync started.</param>
/// <param name="Changes">Row changes applied since the sync started.</param>
/// <param name="ChangesPerSecond">Changes applied per second over the last few seconds.</param>
/// <param name="SourceLsn">End LSN of the last source transaction applied, if any.</param>
/// <param name="LagBytes">Source WAL not yet confirmed as applied; null when the source could not be read.</param>
/// <param name="LagSeconds">The source's measure of the apply delay, in seconds.</param>
/// <param name="EtaSeconds">When the lag will be applied at the current rate; null when not catching up.</param>
public sealed record SyncProgressed(long Transactions, long Changes, double ChangesPerSecond, string? SourceLsn,
    long? LagBytes = null, double? LagSeconds = null, double? EtaSeconds = null) : CopyEvent;
