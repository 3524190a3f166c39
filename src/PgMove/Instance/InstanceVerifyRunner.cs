using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Globals;
using PgMove.Progress;
using PgMove.Verify;

namespace PgMove.Instance;

/// <summary>
/// <c>pgmove verify --all-databases</c>: every database <c>copy --all-databases</c> moves (the same
/// <see cref="InstanceDatabases"/> rule) compared with its namesake on the target, one after the other, each with
/// --jobs sessions per side. A database missing on the target is a difference. So is a role: the roles step of
/// <c>copy --all-databases</c> is planned again as a dry run (the same planner), and whatever it would still do (a role
/// to create, a membership to grant, a setting to set) or finds different on a role that exists is a difference.
/// </summary>
public sealed class InstanceVerifyRunner(VerifyOptions options, IProgressSink sink)
{
    /// <summary>Each database's report (null when the target lacks it), the skipped databases, and how the roles differ.</summary>
    /// <param name="ct">Cancels the comparison.</param>
    public async Task<(IReadOnlyList<(string Database, VerifyReport? Report)> Databases, IReadOnlyList<string> Skipped,
        IReadOnlyList<string> RoleDifferences)> RunAsync(CancellationToken ct)
    {
        var selection = await InstanceDatabases.ReadAsync(options.Source, sink, ct);
        HashSet<string> onTarget;
        await using (var maintenance = await MaintenanceSession.OpenAsync(options.Target, ct))
            onTarget = (await InstanceCatalog.ReadDatabasesAsync(maintenance, ct)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var result = new List<(string, VerifyReport?)>();
        foreach (var database in selection.Moved)
            result.Add((database, onTarget.Contains(database)
                ? await new VerifyRunner(options with { Source = options.Source.WithDatabase(database), Target = options.Target.WithDatabase(database) }, sink).RunAsync(ct)
                : null));
        return (result, selection.Skipped, await RoleDifferencesAsync(ct));
    }

    /// <summary>What the roles step would still do or finds different; empty when the target has the source's roles.</summary>
    async Task<IReadOnlyList<string>> RoleDifferencesAsync(CancellationToken ct)
    {
        RolesReport plan;
        try
        {
            plan = await new RolesRunner(options.Source, options.Target,
                new GlobalsOptions { Roles = true, AllRoles = true, DryRun = true }, NullProgressSink.Instance).RunAsync(ct);
        }
        catch (Errors.PgMoveException e) when (e.ExitCode == Errors.ExitCode.InsufficientPrivilege)
        {
            return [e.Message];   // a role is missing and this user could not create it: a difference all the same
        }
        var missing = plan.Roles.Where(r => r.Status != "exists").Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var differences = plan.Roles.Where(r => missing.Contains(r.Name)).Select(r => $"role {r.Name}: missing on the target").ToList();
        differences.AddRange(plan.Roles.Where(r => !missing.Contains(r.Name))
            .SelectMany(r => r.Notes.Where(n => n.Contains("differs", StringComparison.Ordinal)).Select(n => $"role {r.Name}: {n}")));
        // The statements of a missing role are implied by its absence; the others (memberships, settings) are differences.
        differences.AddRange(plan.Statements.Where(s => !missing.Any(m => s.Contains(Sql.Quote.Ident(m), StringComparison.Ordinal)))
            .Select(s => $"not on the target: {s}"));
        return differences;
    }
}
