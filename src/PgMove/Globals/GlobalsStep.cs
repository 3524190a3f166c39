using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Progress;

namespace PgMove.Globals;

/// <summary>
/// The roles part of <c>pgmove copy</c>: before the target database is created, creates the roles (--roles) and the
/// temporary --owner-map roles, and lets a non-superuser migrating user join the owning roles; after the copy, sets
/// the per-database role settings and hands mapped owners' objects over; at the end, also on failure, revokes the
/// temporary memberships.
/// </summary>
public sealed class GlobalsStep : IAsyncDisposable
{
    readonly GlobalsOptions _options;
    readonly ConnectionSpec _target;
    readonly IProgressSink _sink;
    readonly RoleMigration? _migration;
    TemporaryMemberships? _memberships;
    bool _completed;
    IReadOnlyList<PlannedStatement> _databaseGrants = [];

    GlobalsStep(GlobalsOptions options, ConnectionSpec target, IProgressSink sink, RoleMigration? migration, bool noTablespaces)
    {
        _options = options;
        _target = target;
        _sink = sink;
        _migration = migration;
        NoTablespaces = noTablespaces;
    }

    /// <summary>Restore without tablespace assignments (given, or because the target user cannot create tablespaces).</summary>
    public bool NoTablespaces { get; }

    /// <summary>Runs everything that must precede CREATE DATABASE and the pre-data restore.</summary>
    /// <param name="source">A session on the source database (the snapshot holder is fine: only catalogs are read).</param>
    /// <param name="target">The target, naming the database the copy goes to.</param>
    /// <param name="options">What --roles, --role-passwords, --superuser-role and --owner-map asked for.</param>
    /// <param name="noOwner">--no-owner: owners need no membership.</param>
    /// <param name="targetServer">The target server and the user the copy connects as.</param>
    /// <param name="sink">Receives notices and warnings.</param>
    /// <param name="ct">Cancels the step.</param>
    public static async Task<GlobalsStep> PrepareAsync(GlobalsOptions options, bool noOwner, NpgsqlConnection source,
        ConnectionSpec target, ServerInfo targetServer, IProgressSink sink, CancellationToken ct)
    {
        var noTablespaces = options.NoTablespaces ?? !targetServer.IsSuperuser;
        if (noTablespaces && options.NoTablespaces is null && await TablespaceCatalog.ReadUsedAsync(source, ct) is { Count: > 0 } used)
            sink.Report(new Notice($"tablespaces {string.Join(", ", used)} not restored: {targetServer.CurrentUser} is not a superuser " +
                                   "on the target (objects go to the database's default tablespace; --no-tablespaces)", IsWarning: true));
        var needed = options.Roles || options.OwnerMap.Count > 0 || (!targetServer.IsSuperuser && !noOwner);
        if (!needed) return new GlobalsStep(options, target, sink, null, noTablespaces);

        await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
        var migration = await RoleMigration.PlanAsync(source, maintenance, options, target.Database, noOwner, ct);
        var step = new GlobalsStep(options, target, sink, migration, noTablespaces);
        if (options.Roles) step._databaseGrants = DatabaseGrants(await AclCatalog.ReadDatabaseAclAsync(source, ct), target.Database, options);
        migration.ReportNotices(sink);
        await RoleMigration.ApplyAsync(maintenance, migration.Plan.Statements, sink, [], ct);
        var created = migration.Plan.Outcomes.Where(o => o.Status == "created").Select(o => o.Name).ToList();
        if (created.Count > 0) sink.Report(new Notice($"created {created.Count} role(s) on the target: {string.Join(", ", created)}"));
        if (!migration.Target.Superuser && (!noOwner || migration.Plan.TemporaryRoles.Count > 0))
        {
            var (_, _, inherit) = await RoleCatalog.ReadCurrentUserAsync(maintenance, ct);
            step._memberships = await TemporaryMemberships.GrantAsync(maintenance, migration.Target.CurrentUser, inherit,
                migration.Plan.Owners, sink, ct);
        }
        return step;
    }

    /// <summary>After the copy: per-database role settings, --owner-map hand-over, then the temporary memberships go.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        if (_migration is null) return;
        await using (var maintenance = await MaintenanceSession.OpenAsync(_target, ct))
        {
            await RoleMigration.ApplyAsync(maintenance, [.. _migration.Plan.DatabaseStatements, .. _databaseGrants], _sink, [], ct);
            if (_databaseGrants.Count > 0)
                _sink.Report(new Notice($"database privileges carried over: {string.Join("; ", _databaseGrants.Select(g => g.Shown))}"));
            if (_migration.Plan.TemporaryRoles.Count > 0)
            {
                await using var database = await PgSession.OpenAsync(_target.ToNpgsql("pgmove", maxPoolSize: 1), Side.Target, _target.ToString(), ct);
                await OwnerRemapper.RunAsync(database, maintenance, _migration.Plan.TemporaryRoles, _options, _sink, ct);
            }
        }
        _completed = true;
        await DisposeAsync();
    }

    // pg_dump leaves database privileges out (they come with --create only): with --roles their grantees exist, so
    // pgmove sets them as on the source, starting from the default PUBLIC privileges the new database has.
    static IReadOnlyList<PlannedStatement> DatabaseGrants(IReadOnlyList<(string? Grantee, string Privilege, bool Grantable)>? acl,
        string database, GlobalsOptions options)
    {
        if (acl is null) return [];
        var db = Sql.Quote.Ident(database);
        var statements = new List<PlannedStatement> { new($"REVOKE ALL ON DATABASE {db} FROM PUBLIC", optional: true) };
        foreach (var (grantee, privilege, grantable) in acl)
            statements.Add(new PlannedStatement($"GRANT {privilege} ON DATABASE {db} TO " +
                $"{(grantee is null ? "PUBLIC" : Sql.Quote.Ident(options.Map(grantee)))}{(grantable ? " WITH GRANT OPTION" : "")}", optional: true));
        return statements;
    }

    /// <summary>Revokes the temporary memberships (also when the copy failed).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_completed && _migration?.Plan.TemporaryRoles is { Count: > 0 } left)
            _sink.Report(new Notice($"--owner-map: temporary role(s) {string.Join(", ", left)} remain on the target and own the partial " +
                                    "copy's objects: drop the target database, then the role(s)", IsWarning: true));
        if (_memberships is null || _memberships.Granted.Count == 0) return;
        try
        {
            await using var maintenance = await MaintenanceSession.OpenAsync(_target, CancellationToken.None);
            await _memberships.RevokeAsync(maintenance, _sink);
        }
        catch (Exception e) when (e is NpgsqlException or Errors.PgMoveException)
        {
            _sink.Report(new Notice($"could not revoke the temporary memberships of {_migration?.Target.CurrentUser} in " +
                                    $"{string.Join(", ", _memberships.Granted)}: {e.Message}", IsWarning: true));
        }
    }
}
