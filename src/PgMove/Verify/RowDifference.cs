namespace PgMove.Verify;

/// <summary>One row that differs, identified by its key.</summary>
/// <param name="Kind">"missing on target", "extra on target" or "changed".</param>
/// <param name="Key">Key column → value (text form).</param>
/// <param name="Columns">For "changed": the columns whose values differ.</param>
/// <param name="Source">For "changed": the source's values of those columns (null for SQL NULL).</param>
/// <param name="Target">For "changed": the target's values of those columns.</param>
public sealed record RowDifference(
    string Kind,
    IReadOnlyDictionary<string, string?> Key,
    IReadOnlyList<string> Columns,
    IReadOnlyDictionary<string, string?> Source,
    IReadOnlyDictionary<string, string?> Target);
