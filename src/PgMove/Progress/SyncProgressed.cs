namespace PgMove.Progress;

/// <summary>
/// A streaming sync's totals, about once a second: what a live display shows once the copy is over (the periodic
/// <see cref="Notice"/> lines are for logs and come every ten seconds at most).
/// </summary>
/// <param name="Transactions">Source transactions applied on the target since the sync started.</param>
/// <param name="Changes">Row changes applied since the sync started.</param>
/// <param name="ChangesPerSecond">Changes applied per second over the last few seconds.</param>
/// <param name="SourceLsn">End LSN of the last source transaction applied, if any.</param>
public sealed record SyncProgressed(long Transactions, long Changes, double ChangesPerSecond, string? SourceLsn) : CopyEvent;
