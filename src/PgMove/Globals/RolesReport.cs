namespace PgMove.Globals;

/// <summary>What <c>pgmove roles</c> did (or, with --dry-run, would do).</summary>
/// <param name="Statements">The statements run on the target, password hashes hidden.</param>
public sealed record RolesReport(
    string Source,
    string Target,
    bool DryRun,
    IReadOnlyList<RoleOutcome> Roles,
    IReadOnlyList<string> Statements,
    IReadOnlyList<string> Warnings);
