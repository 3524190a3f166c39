namespace PgMove.Replication;

/// <summary>
/// One set-based statement of a <see cref="SetWork"/>: SQL over <c>unnest</c> of text-array parameters (one array
/// per column, <see cref="Rows"/> elements each), expected to touch one target row per element.
/// </summary>
internal sealed record ArrayStatement(string Sql, IReadOnlyList<string?[]> Arrays, int Rows);
