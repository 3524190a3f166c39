namespace PgMove.Globals;

/// <summary>What <c>pgmove roles</c> did (or, with --dry-run, would do).</summary>
/// <param name="Statements">The statements run on the target, password hashes hidden.</param>
/// <param name="Source">The source, as it may be shown.</param>
/// <param name="Target">The target, as it may be shown.</param>
/// <param name="DryRun">True when nothing was changed (--dry-run).</param>
/// <param name="Roles">What happened to each role.</param>
/// <param name="Warnings">Attributes dropped, settings or memberships that failed, ...</param>
public sealed record RolesReport(
    string Source,
    string Target,
    bool DryRun,
    IReadOnlyList<RoleOutcome> Roles,
    IReadOnlyList<string> Statements,
    IReadOnlyList<string> Warnings);
