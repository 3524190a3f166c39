namespace PgMove.Replication;

/// <summary>A finished cutover as <c>pgmove status</c> shows it afterwards.</summary>
/// <param name="At">When the cutover finished.</param>
/// <param name="FreezeSeconds">The write freeze.</param>
/// <param name="VerifyLevel">What the verification compared.</param>
/// <param name="Equal">The verification's verdict; null when none ran.</param>
/// <param name="SchemaDifferences">Schema differences found.</param>
/// <param name="DifferentTables">Tables whose rows differ.</param>
/// <param name="LiftFenceSql">What lifts the fence again.</param>
/// <param name="Fence">The fence left on the source.</param>
public sealed record CutoverResult(DateTimeOffset At, double FreezeSeconds, string VerifyLevel, bool? Equal, int? SchemaDifferences,
    int? DifferentTables, string LiftFenceSql, FenceRecord? Fence);
