using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;
using PgMove.Verify;

namespace PgMove.Replication;

/// <summary>
/// <c>pgmove cutover</c>, run beside a streaming <c>pgmove sync</c>, from any machine that reaches both servers. It
/// finds the migration on the servers (slot, record, origin), waits until the lag is small, runs the before-fence
/// hook, then freezes writes only for what must be frozen (<see cref="CutoverFreeze"/>: fence, apply up to it, target
/// snapshot, sequences) and releases the target. After the release it runs the after-release hook, stops the sync
/// and drops what the migration created, and verifies the fenced source against the target as of the fence.
/// </summary>
public sealed class CutoverRunner(CutoverOptions options, IProgressSink sink)
{
    /// <summary>Runs the cutover; a failure before the release lifts the fence (exit 12), one after it is a warning.</summary>
    public async Task<CutoverSummary> RunAsync(CancellationToken ct)
    {
        await using var admin = await PgSession.OpenAsync(ReplicationSettings.SourceAdmin(options.Source), Side.Source, options.Source.ToString(), ct);
        var names = await MigrationNames.ResolveAsync(admin, options.Source, options.Target, ct);
        var found = await MigrationLookup.RequireOnSourceAsync(admin, names, ct);
        await MigrationLookup.LockCutoverAsync(admin, names, ct);
        await using var target = await PgSession.OpenAsync(ReplicationSettings.Target(names.Target), Side.Target, names.Target.ToString(), ct);
        await MigrationLookup.RequireStreamingAsync(admin, target, names, found, ct);
        var record = found.Record;
        var steps = Steps(names);
        if (options.DryRun)
        {
            foreach (var step in steps) sink.Report(new Notice("would " + step));
            return Summary(names, true, steps, null, 0, null, []);
        }
        var lag = await WaitForLagAsync(admin, names, ct);
        // Verification's source sessions are opened now: once fenced, the database admits only superusers.
        await using var verifySessions = await PrewarmAsync(options.Verify == VerifyLevel.None ? 0 : options.Jobs + 2, ct);
        await using var snapshotSession = await PgSession.OpenAsync(ReplicationSettings.Target(names.Target), Side.Target, names.Target.ToString(), ct);
        var facts = HookFacts(names);
        if (options.BeforeFence is { } before)
            await RunHookAsync(new CutoverHook("before-fence", before), facts, "nothing was fenced; the sync keeps running", ct);
        int[] spared = [.. verifySessions.Pids, admin.ProcessID, .. record.SyncSessionPid is { } pid ? [pid] : Array.Empty<int>()];
        var freeze = await new CutoverFreeze(options, names, sink).RunAsync(admin, target, snapshotSession, record, spared, ct);
        await using var snapshot = freeze.TargetSnapshot;
        sink.Report(new Notice($"target released: write freeze {freeze.Elapsed.TotalSeconds:0.000} s; {freeze.Sequences} sequences set; " +
                               "applications may use the target now"));
        var (report, warnings) = await AfterReleaseAsync(admin, target, names, record with { Fence = freeze.Fence }, freeze, facts, ct);
        var summary = Summary(names, false, steps, freeze, lag, report, warnings);
        new CutoverResultFile(options.StateDirectory ?? names.DefaultStateDirectory).Write(summary);
        return summary;
    }

    /// <summary>
    /// Everything after the release: the target is in use, so nothing here may throw away the cutover's outcome. A
    /// failure (or an interruption) becomes a warning, and the summary with the way back is always printed.
    /// </summary>
    async Task<(VerifyReport?, List<string>)> AfterReleaseAsync(NpgsqlConnection admin, NpgsqlConnection target, MigrationNames names,
        MigrationRecord fenced, CutoverFreeze.Result freeze, HookFacts facts, CancellationToken ct)
    {
        var warnings = new List<string>();
        VerifyReport? report = null;
        try
        {
            if (options.AfterRelease is { } after)
            {
                try { await new CutoverHook("after-release", after).RunAsync(facts.With("PGMOVE_FREEZE_SECONDS", $"{freeze.Elapsed.TotalSeconds:0.000}"), Hook, ct); }
                catch (PgMoveException e) { warnings.Add(e.Message + " (the cutover itself is complete)"); }
            }
            warnings.AddRange(await MigrationTeardown.FinishAsync(admin, target, names, fenced, ct));
            if (freeze.TargetSnapshot is { } snapshot) report = await VerifyAsync(names, snapshot.Id, fenced.Filters, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or NpgsqlException or PgMoveException)
        {
            warnings.Add($"after the release: {(e is OperationCanceledException ? "interrupted" : e.Message)}; the cutover itself is complete" +
                         (report is null && options.Verify != VerifyLevel.None ? ", but the verification did not finish: run `pgmove verify` to compare" : ""));
        }
        foreach (var w in warnings) sink.Report(new Notice(w, true));
        return (report, warnings);
    }

    string[] Steps(MigrationNames names) =>
    [
        $"wait until the slot {names.Slot} lags at most {options.MaxLagBytes} bytes (at most {options.Timeout.TotalSeconds:0} s)",
        .. options.BeforeFence is null ? Array.Empty<string>() : [$"run the before-fence hook: {options.BeforeFence}"],
        $"fence the source database {options.Source.Database}: CONNECTION LIMIT 0 and default_transaction_read_only = on (only superusers " +
        "may connect), end its other sessions, write a fence into the WAL",
        $"wait until the target has applied everything before the fence (at most {options.FreezeTimeout.TotalSeconds:0} s, else lift the fence)",
        $"export a snapshot of the target, set the sequences to the source's values, release the target (end of the write freeze)",
        .. options.AfterRelease is null ? Array.Empty<string>() : [$"run the after-release hook: {options.AfterRelease}"],
        $"stop the sync; drop slot and publication {names.Slot} on the source and origin {names.Origin} on the target",
        options.Verify == VerifyLevel.None ? "verify nothing (--verify none)"
            : $"verify ({options.Verify.ToString().ToLowerInvariant()}) the fenced source against the target's snapshot as of the fence",
    ];

    async Task<long> WaitForLagAsync(NpgsqlConnection admin, MigrationNames names, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + options.Timeout;
        var lastReport = DateTime.MinValue;
        while (true)
        {
            var slot = await ReplicationCatalog.ReadSlotAsync(admin, names.Slot, ct);
            if (slot?.ActivePid is null)
                throw new PgMoveException(ExitCode.Refused, $"the sync stopped streaming (slot {names.Slot}); nothing was fenced: start `pgmove sync` again, then cutover");
            var lag = slot.LagBytes ?? long.MaxValue;
            if (lag <= options.MaxLagBytes) return lag;
            if (DateTime.UtcNow > deadline)
                throw new PgMoveException(ExitCode.StepFailed,
                    $"the sync still lags {lag} bytes after {options.Timeout.TotalSeconds:0} s (--max-lag {options.MaxLagBytes}); " +
                    "nothing was fenced, the source is writable and the sync keeps running");
            if (DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(5))
            {
                sink.Report(new Notice($"waiting for the lag ({lag} bytes) to fall under {options.MaxLagBytes} bytes"));
                lastReport = DateTime.UtcNow;
            }
            await Task.Delay(100, ct);
        }
    }

    async Task RunHookAsync(CutoverHook hook, HookFacts facts, string consequence, CancellationToken ct)
    {
        try { await hook.RunAsync(facts, Hook, ct); }
        catch (PgMoveException e) { throw new PgMoveException(e.ExitCode, $"{e.Message}; {consequence}", e); }
    }

    void Hook(string line) => sink.Report(new Notice(line));

    HookFacts HookFacts(MigrationNames names) => new(new Dictionary<string, string>
    {
        ["PGMOVE_SOURCE"] = options.Source.ToString(),
        ["PGMOVE_TARGET"] = names.Target.ToString(),
        ["PGMOVE_SOURCE_DATABASE"] = options.Source.Database,
        ["PGMOVE_TARGET_DATABASE"] = names.Target.Database,
        ["PGMOVE_MIGRATION"] = names.Id,
    });

    async Task<PrewarmedSessions> PrewarmAsync(int count, CancellationToken ct) =>
        await PrewarmedSessions.OpenAsync(VerifyRunner.ConnectionString(options.Source, options.Jobs), options.Source.ToString(), count, ct);

    async Task<VerifyReport> VerifyAsync(MigrationNames names, string targetSnapshot, Filters.FilterOptions? filters, CancellationToken ct)
    {
        sink.Report(new Notice($"verifying ({options.Verify.ToString().ToLowerInvariant()}) the fenced source against the target as of the fence"));
        return await new VerifyRunner(new VerifyOptions
        {
            Source = options.Source, Target = names.Target, Jobs = options.Jobs,
            MaxRows = options.Verify == VerifyLevel.Rows ? 20 : 0,
            CountsOnly = options.Verify == VerifyLevel.Counts,
            CompareSequenceValues = false,
            TargetSnapshot = targetSnapshot,
            Filters = filters ?? new(),
            IgnoredDatabaseSettings = new HashSet<string> { "default_transaction_read_only" }, // the fence itself
        }, sink).RunAsync(ct);
    }

    CutoverSummary Summary(MigrationNames names, bool dryRun, IReadOnlyList<string> steps, CutoverFreeze.Result? freeze, long lag,
        VerifyReport? report, IReadOnlyList<string> warnings) =>
        new(options.Source.ToString(), names.Target.ToString(), dryRun, freeze?.Elapsed ?? TimeSpan.Zero, lag, freeze?.Sequences ?? 0,
            steps, options.Verify, report, SourceFence.LiftAdvice(options.Source.Database, freeze?.Fence), warnings, freeze?.Fence);
}
