using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;

namespace PgMove.Globals;

/// <summary>Reads the roles a source database depends on and the target's roles, plans, and applies the plan.</summary>
public sealed class RoleMigration
{
    RoleMigration(RolePlan plan, TargetRoles target)
    {
        Plan = plan;
        Target = target;
    }

    public RolePlan Plan { get; }
    public TargetRoles Target { get; }

    /// <summary>Reads both sides and builds the plan; changes nothing.</summary>
    /// <param name="source">A session on the source database (may be inside the copy's snapshot transaction).</param>
    /// <param name="target">A session on the target server (any database).</param>
    /// <param name="options">What --roles, --role-passwords, --superuser-role and --owner-map asked for.</param>
    /// <param name="targetDatabase">The database the copy goes to (for ALTER ROLE … IN DATABASE settings).</param>
    /// <param name="noOwner">--no-owner: owners need no membership.</param>
    /// <param name="ct">Cancels the reads.</param>
    public static async Task<RoleMigration> PlanAsync(NpgsqlConnection source, NpgsqlConnection target, GlobalsOptions options,
        string targetDatabase, bool noOwner, CancellationToken ct)
    {
        var roles = options.AllRoles ? await RoleCatalog.ReadAllAsync(source, ct) : await RoleCatalog.ReadDependenciesAsync(source, ct);
        if (options.Roles && options.RolePasswords) roles = await WithPasswordsAsync(source, roles, ct);
        return await PlanAsync(roles, target, options, targetDatabase, noOwner, ct);
    }

    /// <summary>Builds the plan for roles read earlier (an archive's); reads the target only and changes nothing.</summary>
    /// <param name="roles">The source's roles, as read then.</param>
    /// <param name="target">A session on the target server (any database).</param>
    /// <param name="options">What --roles, --superuser-role and --owner-map asked for.</param>
    /// <param name="targetDatabase">The database the roles' per-database settings are for.</param>
    /// <param name="noOwner">--no-owner: owners need no membership.</param>
    /// <param name="ct">Cancels the reads.</param>
    public static async Task<RoleMigration> PlanAsync(SourceRoles roles, NpgsqlConnection target, GlobalsOptions options,
        string targetDatabase, bool noOwner, CancellationToken ct)
    {
        var user = await RoleCatalog.ReadCurrentUserAsync(target, ct);
        var currentUser = await PgSession.ScalarAsync<string>(target, "SELECT current_user::text", ct);
        var names = roles.Roles.Select(r => options.Map(r.Name)).Concat(options.OwnerMap.Keys).Concat(options.OwnerMap.Values)
            .Concat(options.SuperuserRole is null ? [] : [options.SuperuserRole]).Distinct().ToList();
        var existing = await RoleCatalog.ReadRolesAsync(target, names, closure: false, targetDatabase, ct);
        var memberships = await RoleCatalog.ReadMembershipsAsync(target, existing.Select(r => r.Name).ToList(), ct);
        var targetRoles = new TargetRoles(currentUser, user.Superuser, user.CreateRole,
            existing.ToDictionary(r => r.Name, StringComparer.Ordinal), memberships);
        var plan = RolePlanner.Build(roles, targetRoles, options, targetDatabase, noOwner);
        if (options.SuperuserRole is { } sr && plan.Statements.Any(s => s.Sql.StartsWith($"GRANT {Sql.Quote.Ident(sr)} TO", StringComparison.Ordinal))
            && !await RoleCatalog.CanGrantAsync(target, sr, ct))
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"--superuser-role {sr}: user \"{currentUser}\" may not grant membership in \"{sr}\" on the target (needs its ADMIN OPTION); nothing was changed");
        return new RoleMigration(plan, targetRoles);
    }

    static async Task<SourceRoles> WithPasswordsAsync(NpgsqlConnection source, SourceRoles roles, CancellationToken ct)
    {
        // Checked rather than caught: an error would abort the copy's snapshot transaction on this session.
        if (!await RoleCatalog.CanReadPasswordsAsync(source, ct))
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                "--role-passwords: the source user may not read pg_authid, where password hashes are kept (superusers only; " +
                "managed services never allow it): run without --role-passwords and set the passwords on the target; nothing was changed");
        var hashes = await RoleCatalog.ReadPasswordHashesAsync(source, roles.Roles.Select(r => r.Name).ToList(), ct);
        return roles with { Roles = roles.Roles.Select(r => r with { PasswordHash = hashes.GetValueOrDefault(r.Name) }).ToList() };
    }

    /// <summary>Tells the sink every mapping, drop and difference of the plan.</summary>
    public void ReportNotices(IProgressSink sink)
    {
        foreach (var (text, warning) in Plan.Notices) sink.Report(new Notice(text, warning));
    }

    /// <summary>
    /// Runs <paramref name="statements"/> in one transaction, so that a failure leaves no half-made role behind; an
    /// optional statement that fails is rolled back to its savepoint and reported as a warning.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlConnection target, IReadOnlyList<PlannedStatement> statements, IProgressSink sink,
        List<string> warnings, CancellationToken ct)
    {
        if (statements.Count == 0) return;
        await using var tx = await target.BeginTransactionAsync(ct);
        foreach (var statement in statements)
        {
            if (statement.Optional) await PgSession.ExecuteAsync(target, "SAVEPOINT pgmove_role", ct);
            try
            {
                await PgSession.ExecuteAsync(target, statement.Sql, ct);
            }
            catch (PostgresException e) when (statement.Optional)
            {
                await PgSession.ExecuteAsync(target, "ROLLBACK TO SAVEPOINT pgmove_role", ct);
                var text = $"not applied on the target: {statement.Shown} ({e.MessageText})";
                warnings.Add(text);
                sink.Report(new Notice(text, IsWarning: true));
            }
            catch (PostgresException e)
            {
                throw new PgMoveException(e.SqlState == PostgresErrorCodes.InsufficientPrivilege ? ExitCode.InsufficientPrivilege : ExitCode.StepFailed,
                    $"target: {statement.Shown} failed: {e.MessageText}; no role was created", e);
            }
        }
        await tx.CommitAsync(ct);
    }
}
