namespace PgMove.Globals;

/// <summary>
/// The roles a database depends on: owners of the database and its objects, grantees and grantors of its
/// privileges, the roles of its policies and user mappings, and, recursively, every role these are members of.
/// </summary>
/// <param name="Owners">The roles that own the database or an object in it.</param>
/// <param name="Roles">Every role the database depends on.</param>
/// <param name="Memberships">The memberships among those roles.</param>
public sealed record SourceRoles(
    IReadOnlyList<RoleDefinition> Roles,
    IReadOnlyList<RoleMembership> Memberships,
    IReadOnlySet<string> Owners);
