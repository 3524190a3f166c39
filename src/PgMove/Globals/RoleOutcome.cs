namespace PgMove.Globals;

/// <summary>What happened to one role.</summary>
/// <param name="Name">The role's name on the target.</param>
/// <param name="SourceName">The role's name on the source (differs under --owner-map).</param>
/// <param name="Status">created, would be created, exists (left unchanged), temporary.</param>
/// <param name="Notes">Attributes mapped or dropped, differences of an existing role.</param>
public sealed record RoleOutcome(string Name, string SourceName, string Status, IReadOnlyList<string> Notes);
