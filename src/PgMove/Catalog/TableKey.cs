namespace PgMove.Catalog;

/// <summary>Columns that identify a row: names, type names to cast text back with, and whether each is collatable.</summary>
public sealed record TableKey(IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<bool> Collatable);
