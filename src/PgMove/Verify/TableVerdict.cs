namespace PgMove.Verify;

/// <summary>How one table compares.</summary>
/// <param name="Status">"equal", "different", "missing on target" or "extra on target".</param>
/// <param name="SourceChecksum">Order-independent content checksum on the source (sum of row hashes).</param>
/// <param name="Key">The key rows are identified by, or null when the table has none.</param>
/// <param name="Rows">Rows found to differ, at most --max-rows.</param>
/// <param name="MoreRows">True when row location stopped at --max-rows: more rows may differ.</param>
/// <param name="Note">Why the table differs or why its rows could not be located.</param>
/// <param name="Table">The table, schema.name.</param>
/// <param name="SourceRows">The row count on the source (null when missing there).</param>
/// <param name="TargetRows">The row count on the target (null when missing there).</param>
/// <param name="TargetChecksum">The same checksum on the target.</param>
public sealed record TableVerdict(
    string Table,
    string Status,
    long? SourceRows,
    long? TargetRows,
    string? SourceChecksum,
    string? TargetChecksum,
    IReadOnlyList<string>? Key,
    IReadOnlyList<RowDifference> Rows,
    bool MoreRows,
    string? Note)
{
    public const string Equal = "equal";
    public const string Different = "different";
    public const string MissingOnTarget = "missing on target";
    public const string ExtraOnTarget = "extra on target";
}
