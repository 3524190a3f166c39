using PgMove.Catalog;
using PgMove.Sql;

namespace PgMove.Preflight.Checks;

/// <summary>
/// The roles the schema restore names (owners unless --no-owner, grantees unless --no-acl) must exist on the target,
/// or pg_restore stops at the first ALTER … OWNER TO or GRANT naming them. Creating missing roles needs CREATEROLE.
/// </summary>
public sealed class RoleCheck : IPreflightCheck
{
    public string Name => "roles";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var options = context.Options;
        var owners = options.NoOwner ? [] : await OwnershipCatalog.ReadOwnersAsync(context.Source, ct);
        var grantees = options.NoAcl ? [] : await OwnershipCatalog.ReadGranteesAsync(context.Source, ct);
        var onTarget = await OwnershipCatalog.ReadOnTargetAsync(context.Target, owners.Union(grantees).ToList(), ct);
        var missing = onTarget.Where(r => !r.Exists).Select(r => r.Role).ToList();
        return [await ExistenceAsync(context, owners, grantees, missing, ct)];
    }

    async Task<CheckItem> ExistenceAsync(PreflightContext c, IReadOnlyList<string> owners, IReadOnlyList<string> grantees,
        IReadOnlyList<string> missing, CancellationToken ct)
    {
        var skipped = (c.Options.NoOwner, c.Options.NoAcl) switch
        {
            (true, true) => " (--no-owner --no-acl: none restored)",
            (true, false) => " (--no-owner: owners not restored)",
            (false, true) => " (--no-acl: privileges not restored)",
            _ => "",
        };
        if (missing.Count == 0)
            return CheckItem.Ok(Name, $"{owners.Count} owner role(s) and {grantees.Count} grantee role(s) of the source exist on the target{skipped}");
        var described = missing.Select(r => $"{r} ({(owners.Contains(r) ? "owner" : "grantee")})");
        var user = c.TargetServer.CurrentUser;
        var canCreate = await PrivilegeCatalog.CanCreateRolesAsync(c.Target, ct);
        var create = canCreate
            ? $"create them on the target first (user \"{user}\" has CREATEROLE): CREATE ROLE {string.Join("; CREATE ROLE ", missing.Select(Quote.Ident))}"
            : $"have an administrator create them on the target (user \"{user}\" has no CREATEROLE)";
        if (c.Options.Roles && canCreate)
            return CheckItem.Ok(Name, $"missing on the target, created by the copy (--roles; user \"{user}\" has CREATEROLE): {string.Join(", ", described)}{skipped}");
        return CheckItem.Fail(Name, $"missing on the target: {string.Join(", ", described)}{skipped}",
            $"{create}; or run copy with --no-owner/--no-acl to leave ownership/privileges out");
    }
}
