namespace PgMove.Globals;

/// <summary>The target's side of a role plan: who connects, what they may do, and the roles that already exist.</summary>
public sealed record TargetRoles(
    string CurrentUser,
    bool Superuser,
    bool CreateRole,
    IReadOnlyDictionary<string, RoleDefinition> Existing,
    IReadOnlyList<RoleMembership> Memberships);
