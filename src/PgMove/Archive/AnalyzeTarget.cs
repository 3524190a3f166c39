namespace PgMove.Archive;

/// <summary>A table the plan analyzes on its own, with its size (the copy's Analyzable list, as JSON can hold it).</summary>
/// <param name="Schema">Its schema.</param>
/// <param name="Name">Its name.</param>
/// <param name="Bytes">Its size on the source.</param>
public sealed record AnalyzeTarget(string Schema, string Name, long Bytes);
