using PgMove.Catalog;
using PgMove.Globals;
using PgMove.Sql;

namespace PgMove.Preflight.Checks;

/// <summary>
/// Whether a non-superuser target user can give the restored objects their owners. PostgreSQL lets it run
/// ALTER … OWNER TO r only when it is a member of r and r may CREATE in the object's schema, at the moment pg_restore
/// runs it: before the privileges are restored, so the schema's owner to be (the source's schema owner, or the
/// target database's owner for public) decides. Copy without --no-owner stops at the first refusal.
/// </summary>
public sealed class OwnershipCheck : IPreflightCheck
{
    public string Name => "ownership";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var user = context.TargetServer.CurrentUser;
        if (context.Options.NoOwner) return [CheckItem.Ok(Name, "--no-owner: objects will be owned by the target user")];
        if (context.TargetIsSuperuser) return [CheckItem.Ok(Name, $"user \"{user}\" is a superuser on the target and may give objects to any owner")];

        var owners = await OwnershipCatalog.ReadOwnersAsync(context.Source, ct);
        var onTarget = await OwnershipCatalog.ReadOnTargetAsync(context.Target, owners, ct);
        // Copy's rule (RolePlanner): a superuser owner stops it; granting that role is never the advice.
        var superusers = await SuperusersAsync(context, onTarget.Where(r => r.Exists).Select(r => r.Role).ToArray(), ct);
        var superOwners = OwnerRules.SuperuserOwners(superusers, _ => true);
        var notMember = onTarget.Where(r => r.Exists && !r.IsMember && !superusers.Contains(r.Role)).Select(r => r.Role).ToList();
        var existing = onTarget.Where(r => r.Exists).Select(r => r.Role).ToHashSet();
        var databaseOwner = await FutureDatabaseOwnerAsync(context, ct);
        var noCreate = (await NoCreateRightsAsync(context, databaseOwner, ct)).Where(p => existing.Contains(p.Role)).ToList();

        var problems = new List<string>();
        var fixes = new List<string>();
        if (superOwners.Count > 0)
        {
            problems.Add(OwnerRules.SuperuserOwnersProblem(superOwners, user));
            fixes.Add(OwnerRules.SuperuserOwnersFix(superOwners));
        }
        if (notMember.Count > 0)
        {
            problems.Add($"user \"{user}\" is not a member of {string.Join(", ", notMember)}");
            fixes.Add($"GRANT {string.Join(", ", notMember.Select(Quote.Ident))} TO {Quote.Ident(user)} on the target for the migration " +
                      "(what a DBA does on a managed service)");
        }
        if (noCreate.Count > 0)
        {
            problems.Add("the new owners will have no CREATE on their schema: " +
                         string.Join(", ", noCreate.Select(p => $"{p.Role} in {p.Schema}")));
            fixes.Add(context.TargetExists
                ? string.Join("; ", noCreate.Select(p => $"GRANT CREATE ON SCHEMA {Quote.Ident(p.Schema)} TO {Quote.Ident(p.Role)}")) + " on the target"
                : $"the new database would be owned by \"{databaseOwner}\": make \"{user}\" a member of the source database's owner " +
                  $"\"{context.SourceDatabase.Owner}\" (the new database then gets that owner), or create the target database first and " +
                  "GRANT CREATE on its schemas to those roles");
        }
        if (problems.Count == 0)
            return [CheckItem.Ok(Name, $"user \"{user}\" may give each of the {owners.Count} owner role(s) its objects")];
        fixes.Add("or run copy with --no-owner");
        return [CheckItem.Fail(Name, string.Join("; ", problems) + ": pg_restore's ALTER … OWNER TO fails", string.Join("; ", fixes))];
    }

    static async Task<IReadOnlyList<string>> SuperusersAsync(PreflightContext c, string[] roles, CancellationToken ct)
    {
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT rolname FROM pg_roles WHERE rolsuper AND rolname = ANY($1)", c.Target);
        cmd.Parameters.AddWithValue(roles);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var found = new List<string>();
        while (await reader.ReadAsync(ct)) found.Add(reader.GetString(0));
        return found;
    }

    /// <summary>As copy creates it: the source database's owner when that role exists and the user may grant it, else the user.</summary>
    static async Task<string> FutureDatabaseOwnerAsync(PreflightContext c, CancellationToken ct)
    {
        if (c.TargetDatabase is { } existing) return existing.Owner;
        var owner = (await OwnershipCatalog.ReadOnTargetAsync(c.Target, [c.SourceDatabase.Owner], ct)).Single();
        return owner.Exists && owner.IsMember ? owner.Role : c.TargetServer.CurrentUser;
    }

    static async Task<IReadOnlyList<(string Role, string Schema)>> NoCreateRightsAsync(PreflightContext c, string databaseOwner,
        CancellationToken ct)
    {
        var (placed, schemaOwners) = await OwnershipCatalog.ReadPlacementAsync(c.Source, ct);
        // Before PostgreSQL 15 a new database's public schema lets everyone CREATE.
        var publicOpen = !c.TargetExists && c.TargetServer.VersionNum < 150000;
        var pairs = placed
            .Where(p => !(publicOpen && p.Schema == "public"))
            .Select(p => (p.Owner, p.Schema, schemaOwners[p.Schema] == "pg_database_owner" ? databaseOwner : schemaOwners[p.Schema]))
            .ToList();
        if (pairs.Count == 0) return [];
        var rights = await OwnershipCatalog.ReadCreateRightsAsync(c.Target, pairs, c.TargetExists, ct);
        return rights.Where(r => !r.CanCreate).Select(r => (r.Role, r.Schema)).ToList();
    }
}
