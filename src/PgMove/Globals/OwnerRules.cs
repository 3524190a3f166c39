namespace PgMove.Globals;

/// <summary>
/// Who a non-superuser target user can give objects to, as copy enforces it and check reports it (one wording for
/// both). A superuser owner is never one: joining a superuser role would make the migrating user a superuser, which
/// it cannot grant itself and no one should be advised to grant, so the way out is --owner-map or --no-owner.
/// </summary>
public static class OwnerRules
{
    /// <summary>The owners that are superusers on the target (<paramref name="isSuperuser"/> answers for a role).</summary>
    public static IReadOnlyList<string> SuperuserOwners(IEnumerable<string> owners, Func<string, bool> isSuperuser) =>
        owners.Where(isSuperuser).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>What is wrong, naming the owners and the user.</summary>
    public static string SuperuserOwnersProblem(IReadOnlyList<string> owners, string user) =>
        $"the source's objects are owned by {string.Join(", ", owners)}, a superuser on the target, and user \"{user}\" is not a superuser there";

    /// <summary>The fix: never a GRANT of the superuser role.</summary>
    public static string SuperuserOwnersFix(IReadOnlyList<string> owners) =>
        $"use --owner-map {owners[0]}=ROLE (a non-superuser role on the target that will own them) or --no-owner";
}
