namespace PgMove.Globals;

/// <summary>How a role that already exists on the target differs from its source definition.</summary>
public static class RoleDifferences
{
    /// <summary>
    /// Each difference as "source X, target Y"; SUPERUSER under --superuser-role counts as a membership in that role.
    /// Passwords are not compared (the source's may not be readable).
    /// </summary>
    public static IReadOnlyList<string> Between(RoleDefinition source, SourceRoles sourceRoles, RoleDefinition target,
        TargetRoles targetRoles, GlobalsOptions options)
    {
        var result = new List<string>();
        // Under --superuser-role a source superuser is expected as a member of that role (checked below), not as SUPERUSER;
        // and a target user who is not a superuser cannot give SUPERUSER (the copy drops it, saying so): not a difference.
        if (!source.Superuser || options.SuperuserRole is null && targetRoles.Superuser) Flag("SUPERUSER", source.Superuser, target.Superuser);
        Flag("LOGIN", source.Login, target.Login);
        Flag("INHERIT", source.Inherit, target.Inherit);
        Flag("CREATEDB", source.CreateDb, target.CreateDb);
        Flag("CREATEROLE", source.CreateRole, target.CreateRole);
        Flag("REPLICATION", source.Replication, target.Replication);
        Flag("BYPASSRLS", source.BypassRls, target.BypassRls);
        if (source.ConnectionLimit != target.ConnectionLimit)
            result.Add($"source CONNECTION LIMIT {source.ConnectionLimit}, target {target.ConnectionLimit}");
        if (source.ValidUntil != target.ValidUntil)
            result.Add($"source VALID UNTIL {source.ValidUntil ?? "none"}, target {target.ValidUntil ?? "none"}");
        foreach (var s in source.Settings.Except(target.Settings)) result.Add($"setting {s} missing");
        // Settings for the migrated database are not differences: the planner sets the ones the target lacks.

        var wanted = sourceRoles.Memberships.Where(m => m.Member == source.Name).Select(m => options.Map(m.Role)).ToList();
        if (source.Superuser && options.SuperuserRole is not null) wanted.Add(options.SuperuserRole);
        var has = targetRoles.Memberships.Where(m => m.Member == target.Name).Select(m => m.Role).ToHashSet(StringComparer.Ordinal);
        foreach (var role in wanted.Distinct().Where(r => !has.Contains(r)))
            result.Add($"not a member of {role}");
        return result;

        void Flag(string name, bool onSource, bool onTarget)
        {
            if (onSource != onTarget) result.Add($"source {(onSource ? "" : "NO")}{name}, target {(onTarget ? "" : "NO")}{name}");
        }
    }
}
