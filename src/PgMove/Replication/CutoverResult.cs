namespace PgMove.Replication;

/// <summary>A finished cutover as <c>pgmove status</c> shows it afterwards.</summary>
/// <param name="Equal">The verification's verdict; null when none ran.</param>
public sealed record CutoverResult(DateTimeOffset At, double FreezeSeconds, string VerifyLevel, bool? Equal, int? SchemaDifferences,
    int? DifferentTables, string LiftFenceSql, FenceRecord? Fence);
