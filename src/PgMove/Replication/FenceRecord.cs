namespace PgMove.Replication;

/// <summary>A fence on the source database, and the settings it replaced, so that lifting it restores them exactly.</summary>
/// <param name="Id">Names the fence in its WAL message.</param>
/// <param name="At">When it was applied.</param>
/// <param name="ConnectionLimit">datconnlimit before the fence (-1: no limit).</param>
/// <param name="ReadOnlySetting">The database's own default_transaction_read_only setting before the fence; null when it had none.</param>
public sealed record FenceRecord(string Id, DateTimeOffset At, int ConnectionLimit, string? ReadOnlySetting);
