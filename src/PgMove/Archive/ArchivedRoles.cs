using PgMove.Globals;

namespace PgMove.Archive;

/// <summary>The roles the archived database depends on (<see cref="SourceRoles"/>, without passwords), in a form JSON reads back.</summary>
/// <param name="Roles">Every role the database depends on.</param>
/// <param name="Memberships">The memberships among those roles.</param>
/// <param name="Owners">The roles that own the database or an object in it.</param>
public sealed record ArchivedRoles(IReadOnlyList<RoleDefinition> Roles, IReadOnlyList<RoleMembership> Memberships, IReadOnlyList<string> Owners)
{
    /// <summary>As the dump read them.</summary>
    /// <param name="roles">The source's roles.</param>
    public static ArchivedRoles Of(SourceRoles roles) => new(roles.Roles, roles.Memberships, roles.Owners.Order(StringComparer.Ordinal).ToList());

    /// <summary>As the role planner takes them.</summary>
    public SourceRoles ToSourceRoles() => new(Roles, Memberships, Owners.ToHashSet(StringComparer.Ordinal));
}
