using System.Diagnostics;
using PgMove.Copy;
using PgMove.Errors;
using PgMove.Globals;
using PgMove.Planning;
using PgMove.Progress;

namespace PgMove.Instance;

/// <summary>
/// <c>pgmove copy --all-databases</c>: every role of the source instance first (as <c>roles --all</c>), then every
/// database (<see cref="InstanceDatabases"/>), each copied as <c>copy --roles</c> copies one, with its own snapshot and
/// state directory (<c>--dir</c>/db-NAME, so <c>--resume</c> goes on per database). All databases' items share
/// --jobs workers through one <see cref="WorkerGate"/>: one queue, biggest remaining chain first.
/// </summary>
public sealed class InstanceCopyRunner(CopyOptions options, IProgressSink sink)
{
    /// <summary>Copies the roles, then every database; the first failure stops them all and is rethrown naming its database.</summary>
    /// <param name="ct">Cancels the run (every database stops, each resumable from its directory).</param>
    public async Task<InstanceCopySummary> RunAsync(CancellationToken ct)
    {
        Refuse();
        var clock = Stopwatch.StartNew();
        var selection = await InstanceDatabases.ReadAsync(options.Source, sink, ct);
        var roles = await new RolesRunner(options.Source, options.Target,
            options.Globals with { Roles = true, AllRoles = true, DryRun = false }, sink).RunAsync(ct);
        await using var memberships = await JoinRolesAsync(roles, ct);
        var gate = new WorkerGate(options.Jobs);
        // Databases in flight at once (each holds a snapshot, a few sessions outside the gate and its own pg_dump): more than
        // the workers, so that one database's fixed steps (checks, dump, pre-data) overlap the others' items.
        using var admission = new SemaphoreSlim(options.Jobs + 2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var runs = selection.Moved.Select(db => (Database: db, Task: CopyOneAsync(db, gate, admission, stop))).ToList();
        try
        {
            await Task.WhenAll(runs.Select(r => r.Task));
        }
        catch
        {
            throw Failure(runs, ct);
        }
        return new InstanceCopySummary(options.Source.ToString(), options.Target.ToString(), clock.Elapsed, roles,
            runs.ToDictionary(r => r.Database, r => r.Task.Result), selection.Skipped);
    }

    /// <summary>
    /// A non-superuser target user joins every non-superuser role of the instance once, for the whole run, and leaves
    /// them at the end: the databases run side by side, and one database leaving a role it joined would pull it from
    /// under another still restoring objects owned by it. Each database then finds the memberships there.
    /// </summary>
    async Task<SharedMemberships?> JoinRolesAsync(RolesReport roles, CancellationToken ct)
    {
        if (options.NoOwner) return null;
        await using var maintenance = await Connections.MaintenanceSession.OpenAsync(options.Target, ct);
        var (superuser, _, inherit) = await Catalog.RoleCatalog.ReadCurrentUserAsync(maintenance, ct);
        if (superuser) return null;
        var user = await Connections.PgSession.ScalarAsync<string>(maintenance, "SELECT current_user::text", ct);
        var onTarget = await Catalog.RoleCatalog.ReadRolesAsync(maintenance, roles.Roles.Select(r => r.Name).ToList(), closure: false, null, ct);
        var granted = await TemporaryMemberships.GrantAsync(maintenance, user, inherit,
            onTarget.Where(r => !r.Superuser && !r.IsPredefined).Select(r => r.Name), sink, ct);
        return new SharedMemberships(options.Target, granted, sink);
    }

    sealed class SharedMemberships(Connections.ConnectionSpec target, TemporaryMemberships granted, IProgressSink sink) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (granted.Granted.Count == 0) return;
            try
            {
                await using var maintenance = await Connections.MaintenanceSession.OpenAsync(target, CancellationToken.None);
                await granted.RevokeAsync(maintenance, sink);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or PgMoveException)
            {
                sink.Report(new Notice($"could not revoke the temporary memberships in {string.Join(", ", granted.Granted)}: {e.Message}", IsWarning: true));
            }
        }
    }

    void Refuse()
    {
        string? clash = options.Globals.OwnerMap.Count > 0 ? "--owner-map" : options.TuneTarget ? "--tune-target"
            : options.TimelinePath is not null ? "--timeline" : options.DryRun ? "--dry-run" : options.ExternalSnapshot is not null ? "a replication snapshot" : null;
        if (clash is not null)
            throw new PgMoveException(ExitCode.Usage, $"--all-databases does not take {clash} (not built for a whole instance); nothing was changed");
    }

    async Task<CopySummary> CopyOneAsync(string database, WorkerGate gate, SemaphoreSlim admission, CancellationTokenSource stop)
    {
        await admission.WaitAsync(stop.Token);
        try
        {
            var directory = InstanceDatabases.StateDirectory(options.StateDirectory, database);
            var one = options with
            {
                Source = options.Source.WithDatabase(database),
                Target = options.Target.WithDatabase(database),
                StateDirectory = directory,
                // A database the interrupted run never reached has no manifest: it starts afresh.
                Resume = options.Resume && File.Exists(Path.Combine(directory, "manifest.json")),
                Globals = options.Globals with { Roles = true },
                SharedWorkers = gate,
            };
            sink.Report(new Notice($"database {database}: copy starts (state in {directory})"));
            return await new CopyRunner(one, sink).RunAsync(stop.Token);
        }
        catch (Exception) when (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync(); // one database failed: the others stop too
            throw;
        }
        finally
        {
            admission.Release();
        }
    }

    /// <summary>The first real failure (not a database cancelled because another failed), naming its database.</summary>
    PgMoveException Failure(List<(string Database, Task<CopySummary> Task)> runs, CancellationToken ct)
    {
        var failed = runs.Where(r => r.Task.IsFaulted).Select(r => (r.Database, Error: ErrorMap.Map(r.Task.Exception!.GetBaseException()))).ToList();
        var done = runs.Where(r => r.Task.IsCompletedSuccessfully).Select(r => r.Database).ToList();
        var again = $"run again with --all-databases --resume --dir {options.StateDirectory} to go on";
        var first = failed.FirstOrDefault(f => f.Error.ExitCode != ExitCode.Interrupted);
        if (ct.IsCancellationRequested || first.Database is null)
            return new PgMoveException(ExitCode.Interrupted, $"interrupted; databases finished: {List(done)}; {again}");
        return new PgMoveException(first.Error.ExitCode,
            $"database \"{first.Database}\": {first.Error.Message}; databases finished: {List(done)}; {again}", runs.First(r => r.Database == first.Database).Task.Exception);
    }

    static string List(IReadOnlyCollection<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
