namespace PgMove.Verify;

/// <summary>What verify found: schema differences and one verdict per table.</summary>
/// <param name="SourceSnapshot">The source snapshot every source read used.</param>
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
