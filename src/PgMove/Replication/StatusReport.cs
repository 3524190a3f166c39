namespace PgMove.Replication;

/// <summary>Where an online migration stands, as <c>pgmove status</c> shows it.</summary>
/// <param name="Phase">The sync's phase, or "not running" / "stopped" when no live sync wrote its state.</param>
/// <param name="LagBytes">Source WAL written since the position the sync confirmed; null without a slot.</param>
/// <param name="LagSeconds">Age of the last applied source commit while there is lag; 0 when caught up.</param>
/// <param name="RetainedBytes">WAL the slot keeps on the source.</param>
/// <param name="Source">The source, as it may be shown.</param>
/// <param name="Target">The target, as it may be shown.</param>
/// <param name="Slot">The replication slot's name.</param>
/// <param name="SlotExists">The slot exists on the source.</param>
/// <param name="SlotActivePid">The walsender streaming from the slot, if any.</param>
/// <param name="ChangesPerSecond">The apply rate the sync last reported.</param>
/// <param name="Transactions">Source transactions applied so far.</param>
/// <param name="Changes">Row changes applied so far.</param>
/// <param name="AppliedLsn">The last source position applied on the target.</param>
/// <param name="StateDirectory">Where the sync's state file lives.</param>
public sealed record StatusReport(string Source, string Target, string Slot, string Phase, bool SlotExists, int? SlotActivePid,
    long? LagBytes, double? LagSeconds, long? RetainedBytes, double? ChangesPerSecond, long? Transactions, long? Changes,
    string? AppliedLsn, string StateDirectory);
