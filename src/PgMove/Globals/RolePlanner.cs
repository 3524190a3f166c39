using PgMove.Errors;
using PgMove.Sql;

namespace PgMove.Globals;

/// <summary>
/// Decides, from the source's roles and the target's, what to create on the target. Pure: it reads nothing and
/// runs nothing, so <c>--dry-run</c> shows exactly what a run does.
/// </summary>
public static class RolePlanner
{
    /// <summary>Builds the plan; throws a <see cref="PgMoveException"/> for input that cannot work (nothing has changed then).</summary>
    public static RolePlan Build(SourceRoles source, TargetRoles target, GlobalsOptions options, string targetDatabase, bool noOwner)
    {
        var plan = new RolePlan();
        var created = new HashSet<string>(StringComparer.Ordinal);
        if (options.Roles) PlanRoles(source, target, options, targetDatabase, plan, created);
        PlanTemporaryRoles(source, target, options, plan);
        CheckRolesExist(source, target, options, created, plan);
        if (options.Roles) PlanMemberships(source, target, options, plan, created);
        // Predefined owners (pg_database_owner owns public) cannot have members and need none.
        foreach (var owner in source.Owners.Where(o => !o.StartsWith("pg_", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            plan.Owners.Add(options.Map(owner));
        if (!noOwner && !target.Superuser) CheckOwnersUsable(plan, target);
        plan.Owners.Sort(StringComparer.Ordinal);
        return plan;
    }

    static void PlanRoles(SourceRoles source, TargetRoles target, GlobalsOptions options, string targetDatabase, RolePlan plan,
        HashSet<string> created)
    {
        var sourceNames = source.Roles.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var passwordless = new List<string>();
        foreach (var role in source.Roles.Where(r => !r.IsPredefined))
        {
            var name = options.Map(role.Name);
            // Under --owner-map a=b where b is a source role too, b's own definition wins.
            if (name != role.Name && sourceNames.Contains(name)) continue;
            if (!created.Add(name)) continue;
            if (target.Existing.TryGetValue(name, out var existing))
            {
                created.Remove(name);
                var differences = RoleDifferences.Between(role, source, existing, target, options);
                // Settings for this database belong to the database the copy makes: set those the target lacks.
                var keys = existing.DatabaseSettings.Select(SettingSql.Key).ToHashSet(StringComparer.Ordinal);
                PlanDatabaseSettings(name, role.DatabaseSettings.Where(s => !keys.Contains(SettingSql.Key(s))), targetDatabase, plan);
                var note = differences.Count == 0 ? "exists on the target, identical" : "exists on the target, left unchanged; differs: " + string.Join("; ", differences);
                plan.Outcomes.Add(new RoleOutcome(name, role.Name, "exists", [note]));
                plan.Notices.Add(($"role {name}: {note}", differences.Count > 0));
                continue;
            }
            if (!target.Superuser && !target.CreateRole)
                throw new PgMoveException(ExitCode.InsufficientPrivilege,
                    $"role \"{name}\" must be created on the target, but user \"{target.CurrentUser}\" has neither CREATEROLE nor SUPERUSER; nothing was changed");
            var notes = PlanCreate(role, name, target, options, targetDatabase, plan);
            plan.Outcomes.Add(new RoleOutcome(name, role.Name, "created", notes));
            foreach (var note in notes) plan.Notices.Add(($"role {name}: {note}", note.Contains("dropped")));
            if (role.Login && role.PasswordHash is null) passwordless.Add(name);
        }
        if (passwordless.Count > 0)
            plan.Notices.Add(($"role passwords not copied{(options.RolePasswords ? " (none on the source)" : " (use --role-passwords)")}: " +
                              $"{string.Join(", ", passwordless)} cannot log in with a password until one is set", true));
    }

    static List<string> PlanCreate(RoleDefinition role, string name, TargetRoles target, GlobalsOptions options, string targetDatabase, RolePlan plan)
    {
        var notes = new List<string>();
        if (name != role.Name) notes.Add($"created from source role {role.Name} (--owner-map)");
        var superuser = role.Superuser;
        if (superuser && options.SuperuserRole is not null)
        {
            superuser = false;
            notes.Add($"SUPERUSER mapped to membership in {options.SuperuserRole} (--superuser-role)");
        }
        else if (superuser && !target.Superuser)
        {
            superuser = false;
            notes.Add($"SUPERUSER dropped: user {target.CurrentUser} is not a superuser on the target (use --superuser-role to map it)");
        }
        var replication = role.Replication && Keep("REPLICATION");
        var bypassRls = role.BypassRls && Keep("BYPASSRLS");

        var sql = $"CREATE ROLE {Quote.Ident(name)} WITH {role.Attributes(superuser, replication, bypassRls)}";
        if (role.ValidUntil is not null) sql += $" VALID UNTIL {Quote.Literal(role.ValidUntil)}";
        plan.Statements.Add(role.PasswordHash is null
            ? new PlannedStatement(sql)
            : new PlannedStatement(sql + $" PASSWORD {Quote.Literal(role.PasswordHash)}", sql + " PASSWORD '<hash from the source>'"));
        if (role.Superuser && options.SuperuserRole is not null)
            plan.Statements.Add(new PlannedStatement($"GRANT {Quote.Ident(options.SuperuserRole)} TO {Quote.Ident(name)}"));
        if (role.Comment is not null)
            plan.Statements.Add(new PlannedStatement($"COMMENT ON ROLE {Quote.Ident(name)} IS {Quote.Literal(role.Comment)}", optional: true));
        foreach (var setting in role.Settings)
            if (SettingSql.Assignment(setting) is { } set)
                plan.Statements.Add(new PlannedStatement($"ALTER ROLE {Quote.Ident(name)} {set}", optional: true));
        PlanDatabaseSettings(name, role.DatabaseSettings, targetDatabase, plan);
        return notes;

        bool Keep(string attribute)
        {
            if (target.Superuser) return true;
            notes.Add($"{attribute} dropped: only a superuser can grant it and user {target.CurrentUser} is not one on the target");
            return false;
        }
    }

    static void PlanDatabaseSettings(string name, IEnumerable<string> settings, string targetDatabase, RolePlan plan)
    {
        foreach (var setting in settings)
            if (SettingSql.Assignment(setting) is { } set)
                plan.DatabaseStatements.Add(new PlannedStatement($"ALTER ROLE {Quote.Ident(name)} IN DATABASE {Quote.Ident(targetDatabase)} {set}", optional: true));
    }

    static void PlanTemporaryRoles(SourceRoles source, TargetRoles target, GlobalsOptions options, RolePlan plan)
    {
        var sourceNames = source.Roles.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (from, to) in options.OwnerMap.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!sourceNames.Contains(from))
            {
                plan.Notices.Add(($"--owner-map {from}={to}: the database does not depend on role {from}; ignored", true));
                continue;
            }
            if (target.Existing.ContainsKey(from))
                throw new PgMoveException(ExitCode.Usage,
                    $"--owner-map {from}={to}: role \"{from}\" exists on the target; pgmove maps only roles that do not " +
                    "(it creates them for the restore and drops them after handing their objects to the new owner); nothing was changed");
            if (!target.Superuser && !target.CreateRole)
                throw new PgMoveException(ExitCode.InsufficientPrivilege,
                    $"--owner-map needs CREATEROLE on the target (user \"{target.CurrentUser}\" lacks it); nothing was changed");
            plan.TemporaryRoles.Add(from);
            plan.Owners.AddRange([from, to]); // REASSIGN OWNED needs the privileges of both
            plan.Statements.Insert(0, new PlannedStatement($"CREATE ROLE {Quote.Ident(from)} WITH NOLOGIN"));
            plan.Outcomes.Add(new RoleOutcome(from, from, "temporary", [$"created for the restore, its objects and privileges then go to {to} and it is dropped"]));
            plan.Notices.Add(($"role {from}: mapped to {to} (--owner-map); created for the restore only", false));
        }
    }

    static void CheckRolesExist(SourceRoles source, TargetRoles target, GlobalsOptions options, HashSet<string> created, RolePlan plan)
    {
        var missing = options.OwnerMap.Where(m => plan.TemporaryRoles.Contains(m.Key))
            .Select(m => m.Value).Where(n => !target.Existing.ContainsKey(n) && !created.Contains(n)).Distinct().ToList();
        if (missing.Count > 0)
            throw new PgMoveException(ExitCode.Usage,
                $"--owner-map: role(s) {string.Join(", ", missing)} do not exist on the target; create them or add --roles; nothing was changed");
        if (options.SuperuserRole is { } sr && !target.Existing.ContainsKey(sr) && source.Roles.Any(r => r.Superuser && !r.IsPredefined))
            throw new PgMoveException(ExitCode.Usage, $"--superuser-role: role \"{sr}\" does not exist on the target; nothing was changed");
    }

    static void PlanMemberships(SourceRoles source, TargetRoles target, GlobalsOptions options, RolePlan plan, HashSet<string> created)
    {
        var seen = new HashSet<(string, string)>();
        foreach (var m in source.Memberships)
        {
            var (role, member) = (options.Map(m.Role), options.Map(m.Member));
            // Existing roles are left as they are; their missing memberships are among their reported differences.
            if (!created.Contains(member) || role == member || !seen.Add((role, member))) continue;
            var admin = m.AdminOption ? " WITH ADMIN OPTION" : "";
            plan.Statements.Add(new PlannedStatement($"GRANT {Quote.Ident(role)} TO {Quote.Ident(member)}{admin}", optional: true));
        }
    }

    static void CheckOwnersUsable(RolePlan plan, TargetRoles target)
    {
        var superOwners = OwnerRules.SuperuserOwners(plan.Owners, o => target.Existing.TryGetValue(o, out var r) && r.Superuser);
        if (superOwners.Count > 0)
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"{OwnerRules.SuperuserOwnersProblem(superOwners, target.CurrentUser)}: {OwnerRules.SuperuserOwnersFix(superOwners)}; nothing was changed");
    }
}
