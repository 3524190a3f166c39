namespace PgMove.Verify;

/// <summary>What verify found: schema differences and one verdict per table.</summary>
/// <param name="SourceSnapshot">The source snapshot every source read used.</param>
/// <param name="Source">The source, as it may be shown.</param>
/// <param name="Target">The target, as it may be shown.</param>
/// <param name="Elapsed">How long verify ran.</param>
/// <param name="SchemaDifferences">Every schema object that differs.</param>
/// <param name="Tables">One verdict per table.</param>
public sealed record VerifyReport(
    string Source,
    string Target,
    string SourceSnapshot,
    TimeSpan Elapsed,
    IReadOnlyList<SchemaDifference> SchemaDifferences,
    IReadOnlyList<TableVerdict> Tables)
{
    /// <summary>True when the schemas and every table's rows are the same.</summary>
    public bool Equal => SchemaDifferences.Count == 0 && Tables.All(t => t.Status == TableVerdict.Equal);

    /// <summary>Tables whose status is not "equal".</summary>
    public int DifferentTables => Tables.Count(t => t.Status != TableVerdict.Equal);
}
