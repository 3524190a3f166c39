namespace PgMove.Replication;

/// <summary>Where an online migration stands, as <c>pgmove status</c> shows it.</summary>
/// <param name="Phase">The sync's phase, or "not running" / "stopped" when no live sync wrote its state.</param>
/// <param name="LagBytes">Source WAL written since the position the sync confirmed; null without a slot.</param>
/// <param name="LagSeconds">Age of the last applied source commit while there is lag; 0 when caught up.</param>
/// <param name="RetainedBytes">WAL the slot keeps on the source.</param>
public sealed record StatusReport(string Source, string Target, string Slot, string Phase, bool SlotExists, int? SlotActivePid,
    long? LagBytes, double? LagSeconds, long? RetainedBytes, double? ChangesPerSecond, long? Transactions, long? Changes,
    string? AppliedLsn, string StateDirectory);
