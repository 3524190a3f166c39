using PgMove.Catalog;

namespace PgMove.Preflight.Checks;

/// <summary>
/// max_connections (less the reserved slots), the role's and the database's connection limits on each side, against
/// the sessions a copy with these --jobs/--index-jobs opens. Each side's pool holds max(jobs, index-jobs) + 4
/// sessions (see CopyRunner); pg_dump adds one on the source; pg_restore --jobs=index-jobs adds index-jobs + 1 and
/// the maintenance session one more on the target.
/// </summary>
public sealed class ConnectionCheck : IPreflightCheck
{
    public string Name => "connections";

    /// <summary>Sessions a copy opens on the source at most.</summary>
    public static int SourceSessions(int jobs, int indexJobs) => Math.Max(jobs, indexJobs) + 4 + 1;

    /// <summary>Sessions a copy opens on the target at most.</summary>
    public static int TargetSessions(int jobs, int indexJobs) => Math.Max(jobs, indexJobs) + 4 + (indexJobs > 1 ? indexJobs + 1 : 1) + 1;

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var (jobs, indexJobs) = (context.Options.Jobs, context.Options.IndexJobs);
        var source = await ConnectionLimitCatalog.ReadAsync(context.Source, ct);
        if (context.SameServer)
        {
            // The database limit read here is the source database's, not the target's: leave it out of the sum.
            source = source with { DatabaseLimit = -1 };
            // One server serves both ends: it sees both sets of sessions (and both of this check's own).
            var sides = new Demand((j, ij) => SourceSessions(j, ij) + TargetSessions(j, ij), jobs, indexJobs,
                $"{SourceSessions(jobs, indexJobs)} source + {TargetSessions(jobs, indexJobs)} target sessions on one server");
            return
            [
                Judge("connections-source", source, context.SourceServer.IsSuperuser, 2, sides),
                CheckItem.Ok("connections-target", "same server as the source: counted in connections-source"),
            ];
        }
        var target = await ConnectionLimitCatalog.ReadAsync(context.Target, ct);
        // Without a target database the session is on the maintenance database, whose limit does not apply to the new one.
        if (!context.TargetExists) target = target with { DatabaseLimit = -1 };
        return
        [
            Judge("connections-source", source, context.SourceServer.IsSuperuser, 1,
                new Demand(SourceSessions, jobs, indexJobs, $"{SourceSessions(jobs, indexJobs)} sessions")),
            Judge("connections-target", target, context.TargetServer.IsSuperuser, 1,
                new Demand(TargetSessions, jobs, indexJobs, $"{TargetSessions(jobs, indexJobs)} sessions")),
        ];
    }

    /// <summary>Sessions needed as a function of (jobs, index-jobs), and what was asked.</summary>
    sealed record Demand(Func<int, int, int> Sessions, int Jobs, int IndexJobs, string Text)
    {
        public int Need => Sessions(Jobs, IndexJobs);

        /// <summary>The most --jobs (= --index-jobs) that fit in <paramref name="limit"/> sessions; 0 if none.</summary>
        public int JobsFitting(int limit) => Enumerable.Range(1, 64).LastOrDefault(j => Sessions(j, j) <= limit);

        public string Fix(int limit, string otherwise) =>
            (JobsFitting(limit) is var j and > 0 ? $"use --jobs {j} --index-jobs {j} or fewer, or " : "") + otherwise;
    }

    /// <param name="ours">This check's own sessions on that server (counted in its "in use" numbers).</param>
    /// <param name="name">The item's name (connections-source or connections-target).</param>
    /// <param name="limits">The server's limits, as read by this check.</param>
    /// <param name="superuser">The copy's user is a superuser (reserved slots are usable).</param>
    /// <param name="demand">The sessions the copy opens on that server.</param>
    static CheckItem Judge(string name, ConnectionLimits limits, bool superuser, int ours, Demand demand)
    {
        var reserved = superuser ? 0 : limits.SuperuserReserved + limits.Reserved;
        var usable = limits.MaxConnections - reserved;
        var othersInUse = Math.Max(0, limits.InUse - ours);
        var need = demand.Need;
        var evidence = $"copy with --jobs {demand.Jobs} --index-jobs {demand.IndexJobs} opens up to {demand.Text}; " +
                       $"max_connections {limits.MaxConnections}" + (reserved > 0 ? $" ({reserved} reserved)" : "") +
                       $", {othersInUse} in use by others";
        if (need > usable)
            return CheckItem.Fail(name, evidence, demand.Fix(usable, "raise max_connections (needs a restart)"));
        var roleFree = limits.RoleLimit - Math.Max(0, limits.RoleInUse - ours);
        if (limits.RoleLimit >= 0 && need > roleFree)
            return CheckItem.Fail(name, evidence + $"; the role's CONNECTION LIMIT is {limits.RoleLimit}",
                demand.Fix(roleFree, "raise it: ALTER ROLE … CONNECTION LIMIT -1"));
        var databaseFree = limits.DatabaseLimit - Math.Max(0, limits.DatabaseInUse - ours);
        if (limits.DatabaseLimit >= 0 && need > databaseFree)
            return CheckItem.Fail(name, evidence + $"; the database's CONNECTION LIMIT is {limits.DatabaseLimit}",
                demand.Fix(databaseFree, "raise it: ALTER DATABASE … CONNECTION LIMIT -1"));
        if (need > usable - othersInUse)
            return CheckItem.Warn(name, evidence + $": only {usable - othersInUse} free now",
                demand.Fix(usable - othersInUse, "run when fewer clients are connected"));
        return CheckItem.Ok(name, evidence);
    }
}
