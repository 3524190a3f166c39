namespace PgMove.Verify;

/// <summary>One schema object that is not the same on both sides.</summary>
/// <param name="Kind">table, column, constraint, index, sequence, sequence value, view, function, trigger, owner, privileges, ...</param>
/// <param name="Difference">"missing on target", "extra on target" or "differs".</param>
/// <param name="Source">The source's definition (null when missing there).</param>
/// <param name="Target">The target's definition (null when missing there).</param>
/// <param name="Name">The object's name, unique within its kind.</param>
public sealed record SchemaDifference(string Kind, string Name, string Difference, string? Source, string? Target);
