using System.Threading.Channels;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using NpgsqlTypes;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Errors;
using PgMove.Progress;

namespace PgMove.Replication;

/// <summary>
/// <c>pgmove sync</c>: publication and slot on the source (the slot exports the snapshot the copy reads), the full
/// copy, a replication origin on the target, then the changes streamed and applied until a cutover's fence arrives,
/// after which <see cref="SyncFinisher"/> completes the migration. A rerun after a crash or a stop resumes from the
/// origin's position when the copy had finished, exactly once.
/// </summary>
public sealed class SyncRunner(SyncOptions options, IProgressSink sink)
{
    readonly MigrationNames _names = MigrationNames.For(options.Source, options.Target);
    readonly SyncProgress _progress = new();
    SyncStateFile _stateFile = null!;

    /// <summary>The check run after the fence; the integrator swaps in the full verifier (counts and checksums) here.</summary>
    public ICutoverVerifier Verifier { get; init; } = new ChecksumCutoverVerifier(options.Jobs);
    SyncState _state = new();

    /// <summary>Runs until a cutover finished the migration; returns what the finish did.</summary>
    public async Task<SyncSummary> RunAsync(CancellationToken ct)
    {
        var directory = options.StateDirectory ?? _names.DefaultStateDirectory;
        _stateFile = new SyncStateFile(directory);
        if (_stateFile.Read() is { Phase: not (SyncPhase.Done or SyncPhase.Failed) } running && running.IsAlive(TimeSpan.FromSeconds(30))
            && running.Pid != Environment.ProcessId)
            throw new PgMoveException(ExitCode.StepFailed, $"a pgmove sync for this source and target is already running (pid {running.Pid}, state in {directory})");
        _state = new SyncState { Pid = Environment.ProcessId, StartedAt = DateTimeOffset.UtcNow, Phase = SyncPhase.Copying };
        // The state file is the sync's heartbeat for cutover and status, in every phase (a long copy, a long verify).
        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporting = ReportAsync(heartbeat.Token);
        try
        {
            return await RunPhasesAsync(directory, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await StopAsync(heartbeat, reporting);
            var failed = _state.Phase == SyncPhase.Failed ? _state : _state with { Phase = SyncPhase.Failed, Error = e.Message };
            Write(failed with { FailureCode = (int)((e as PgMoveException)?.ExitCode ?? ExitCode.InternalError) });
            throw;
        }
        finally
        {
            await StopAsync(heartbeat, reporting);
        }
    }

    static async Task StopAsync(CancellationTokenSource heartbeat, Task reporting)
    {
        await heartbeat.CancelAsync();
        try { await reporting; } catch (OperationCanceledException) { }
    }

    async Task<SyncSummary> RunPhasesAsync(string directory, CancellationToken ct)
    {
        await using var admin = await PgSession.OpenAsync(ReplicationSettings.SourceAdmin(options.Source), Side.Source, options.Source.ToString(), ct);
        var wal = await ReplicationCatalog.WalLevelAsync(admin, ct);
        if (wal != "logical")
            throw new PgMoveException(ExitCode.Incompatible,
                $"source wal_level is '{wal}': online migration needs wal_level = logical on the source (a restart is needed); nothing was changed");
        await CheckPrivilegesAsync(admin, ct);
        var slot = await ReadInactiveSlotAsync(admin, ct);
        var (replication, resumeAfter) = await TargetHasOriginAsync(ct)
            ? await ResumeAsync(slot, ct)
            : await StartFreshAsync(admin, ct);
        await using (replication)
        {
            var fence = await StreamAsync(replication, resumeAfter, ct);
            sink.Report(new Notice($"cutover fence reached: every source transaction before it is applied; finishing"));
            Write(_state with { Phase = SyncPhase.Finishing, FenceId = fence });
            await replication.DisposeAsync();
            var summary = await new SyncFinisher(options.Source, _names, sink, Verifier).FinishAsync(Write, _progress.Into(_state), ct);
            return summary with { StateDirectory = directory };
        }
    }

    /// <summary>Fails before anything is created or copied when a side lacks what streaming needs.</summary>
    async Task CheckPrivilegesAsync(NpgsqlConnection admin, CancellationToken ct)
    {
        var source = await ServerCatalog.ReadAsync(admin, ct);
        if (!await ReplicationCatalog.CanReplicateAsync(admin, ct))
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"source user \"{source.CurrentUser}\" needs the REPLICATION attribute for sync (ALTER ROLE … REPLICATION); nothing was changed");
        await using var target = await TargetCluster.OpenAsync(_names.Target, ct);
        var server = await ServerCatalog.ReadAsync(target, ct);
        if (!server.IsSuperuser)
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"target user \"{server.CurrentUser}\" must be a superuser for sync (replication origin, session_replication_role = replica); nothing was changed");
        if (await ObjectCatalog.CountLargeObjectsAsync(admin, ct) > 0)
            sink.Report(new Notice("large objects are copied once; their later changes are not replicated (logical decoding does not carry them)", true));
    }

    /// <summary>The slot, once no walsender holds it: after a crash the server takes a moment to notice the dead client.</summary>
    async Task<SlotInfo?> ReadInactiveSlotAsync(NpgsqlConnection admin, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var slot = await ReplicationCatalog.ReadSlotAsync(admin, _names.Slot, ct);
            if (slot?.ActivePid is not { } pid) return slot;
            if (attempt >= 40)
                throw new PgMoveException(ExitCode.StepFailed,
                    $"replication slot {_names.Slot} is in use by process {pid} on the source: is another pgmove sync running?");
            await Task.Delay(250, ct);
        }
    }

    async Task<bool> TargetHasOriginAsync(CancellationToken ct)
    {
        try
        {
            await using var target = await PgSession.OpenAsync(ReplicationSettings.Target(_names.Target), Side.Target, _names.Target.ToString(), ct);
            return await ReplicationCatalog.OriginExistsAsync(target, _names.Origin, ct);
        }
        catch (PgMoveException e) when (e.InnerException is PostgresException { SqlState: "3D000" })
        {
            return false; // no target database yet: a fresh start
        }
    }

    async Task<(LogicalReplicationConnection, NpgsqlLogSequenceNumber?)> ResumeAsync(SlotInfo? slot, CancellationToken ct)
    {
        if (slot is null)
            throw new PgMoveException(ExitCode.StepFailed,
                $"the target has the replication origin {_names.Origin} of an earlier sync but the source's slot {_names.Slot} is gone, " +
                "so the changes since then cannot be recovered; run `pgmove cleanup`, then `pgmove sync --clean` to start over");
        NpgsqlLogSequenceNumber? progress;
        await using (var target = await PgSession.OpenAsync(ReplicationSettings.Target(_names.Target), Side.Target, _names.Target.ToString(), ct))
            progress = await ReplicationCatalog.ReadOriginProgressAsync(target, _names.Origin, ct);
        sink.Report(new Notice($"resuming the sync of {options.Source} -> {_names.Target} from source LSN {progress?.ToString() ?? "the start"} " +
                               "(the copy was done; transactions already applied are skipped)"));
        return (await OpenReplicationAsync(ct), progress);
    }

    async Task<(LogicalReplicationConnection, NpgsqlLogSequenceNumber?)> StartFreshAsync(NpgsqlConnection admin, CancellationToken ct)
    {
        var server = await ServerCatalog.ReadAsync(admin, ct);
        var tables = await SourceSetup.PrepareTablesAsync(admin, server.VersionNum, options.SetReplicaIdentityFull, sink, ct);
        // Leftovers of an earlier run that stopped before its copy was complete: that copy is lost anyway.
        if (await SourceSetup.DropSlotAsync(admin, _names.Slot, ct)) sink.Report(new Notice($"dropped slot {_names.Slot} left by an earlier, unfinished sync"));
        await SourceSetup.DropPublicationAsync(admin, _names.Publication, ct);
        Write(_state);

        await SourceSetup.CreatePublicationAsync(admin, _names.Publication, tables, ct);
        LogicalReplicationConnection? replication = null;
        try
        {
            replication = await OpenReplicationAsync(ct);
            var slot = await replication.CreatePgOutputReplicationSlot(_names.Slot, temporarySlot: false,
                slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: ct);
            sink.Report(new Notice($"created publication and slot {_names.Slot} on the source at LSN {slot.ConsistentPoint}; copying from its snapshot"));
            // The replication connection stays idle until the copy is done: its next command would end the snapshot.
            await DropTargetPublicationAsync(ct);
            await CopyAsync(slot.SnapshotName!, ct);
            await using (var target = await PgSession.OpenAsync(ReplicationSettings.Target(_names.Target), Side.Target, _names.Target.ToString(), ct))
            {
                // pg_dump carries the publication over like any other; on the target it has no use.
                await SourceSetup.DropPublicationAsync(target, _names.Publication, ct);
                await TargetOrigin.DropAsync(target, _names.Origin, ct);
                await TargetOrigin.CreateAsync(target, _names.Origin, slot.ConsistentPoint, ct);
            }
            return (replication, slot.ConsistentPoint);
        }
        catch (Exception e)
        {
            // Before streaming starts, a failure leaves nothing behind on the source: a forgotten slot fills its disk.
            if (replication is not null) await replication.DisposeAsync();
            try
            {
                await SourceSetup.DropSlotAsync(admin, _names.Slot, CancellationToken.None);
                await SourceSetup.DropPublicationAsync(admin, _names.Publication, CancellationToken.None);
            }
            catch (Exception dropError) when (dropError is NpgsqlException or PgMoveException)
            {
                throw new PgMoveException(ExitCode.StepFailed,
                    $"{e.Message}; and dropping slot {_names.Slot} failed ({dropError.Message}): run `pgmove cleanup` with the same --source and --target", e);
            }
            Write(_state with { Phase = SyncPhase.Failed, Error = e.Message });
            throw;
        }
    }

    /// <summary>A copy by an earlier, failed sync brought our publication to the target: --clean does not drop publications.</summary>
    async Task DropTargetPublicationAsync(CancellationToken ct)
    {
        try
        {
            await using var target = await PgSession.OpenAsync(ReplicationSettings.Target(_names.Target), Side.Target, _names.Target.ToString(), ct);
            await SourceSetup.DropPublicationAsync(target, _names.Publication, ct);
        }
        catch (PgMoveException e) when (e.InnerException is PostgresException { SqlState: "3D000" })
        {
        }
    }

    async Task CopyAsync(string snapshot, CancellationToken ct)
    {
        var copy = new CopyOptions
        {
            Source = options.Source,
            Target = _names.Target,
            Jobs = options.Jobs,
            IndexJobs = options.IndexJobs,
            Clean = options.Clean,
            NoOwner = options.NoOwner,
            NoAcl = options.NoAcl,
            StateDirectory = Path.Combine(_stateFile.Directory, "copy"),
            PgBin = options.PgBin,
            ExternalSnapshot = snapshot,
        };
        var summary = await new CopyRunner(copy, sink).RunAsync(ct);
        sink.Report(new Notice($"copy done: {summary.Tables} tables, {summary.Rows} rows in {summary.Elapsed.TotalSeconds:0.0} s; streaming changes"));
    }

    async Task<LogicalReplicationConnection> OpenReplicationAsync(CancellationToken ct)
    {
        var connection = new LogicalReplicationConnection(ReplicationSettings.SourceReplication(options.Source))
        {
            WalReceiverStatusInterval = TimeSpan.FromSeconds(1),
        };
        try
        {
            await connection.Open(ct);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw PgSession.Describe(e, Side.Source, options.Source.ToString() + " (replication connection)");
        }
    }

    /// <summary>Streams and applies until the fence; returns its id.</summary>
    async Task<string> StreamAsync(LogicalReplicationConnection replication, NpgsqlLogSequenceNumber? resumeAfter, CancellationToken ct)
    {
        Write(_state = _state with { Phase = SyncPhase.Streaming });
        await using var applierConnection = await PgSession.OpenAsync(ReplicationSettings.Applier(_names.Target), Side.Target, _names.Target.ToString(), ct);
        await TargetOrigin.SetupSessionAsync(applierConnection, _names.Origin, ct);
        await using var relations = new RelationResolver(ReplicationSettings.SourceReader(options.Source), ReplicationSettings.Target(_names.Target),
            options.Source.ToString(), _names.Target.ToString());
        var channel = Channel.CreateBounded<Change>(new BoundedChannelOptions(20_000) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reader = new ChangeReader(replication, _names.Slot, _names.Publication, resumeAfter, relations, channel.Writer,
            _stateFile.IsRequestedFence, _stateFile.FenceForTransaction);
        var reading = Task.Run(() => reader.RunAsync(stop.Token), CancellationToken.None);
        try
        {
            return await new Applier(applierConnection, replication, reader, _progress).RunAsync(channel.Reader, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var known = e as PgMoveException
                        ?? (e is NpgsqlException ? PgSession.Describe(e, Side.Target, _names.Target.ToString()) : null);
            var message = known?.Message ?? "internal error: " + e;
            Write(_state with { Phase = SyncPhase.Failed, Error = message });
            throw new PgMoveException(known?.ExitCode ?? ExitCode.InternalError,
                $"{message} (the slot {_names.Slot} is kept on the source so that `pgmove sync` can resume; `pgmove cleanup` drops it)", e);
        }
        finally
        {
            await stop.CancelAsync();
            await reading;
        }
    }

    async Task ReportAsync(CancellationToken ct)
    {
        var lastLog = DateTime.UtcNow;
        var lastChanges = -1L;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(1000, ct);
            if (_state.Phase is SyncPhase.Done or SyncPhase.Failed) continue;
            Write(_state);
            if (_state.Phase != SyncPhase.Streaming || DateTime.UtcNow - lastLog < TimeSpan.FromSeconds(10)) continue;
            var s = _progress.Into(_state);
            if (s.Changes == lastChanges && DateTime.UtcNow - lastLog < TimeSpan.FromMinutes(5)) continue; // quiet while idle
            lastLog = DateTime.UtcNow;
            lastChanges = s.Changes;
            sink.Report(new Notice($"applied {s.Transactions} transactions, {s.Changes} changes ({s.ChangesPerSecond:0}/s), source LSN {s.AppliedLsn}" +
                                   (_progress.Missed > 0 ? $"; {_progress.Missed} updates/deletes found no row on the target" : "")));
        }
    }

    void Write(SyncState state)
    {
        _state = state;
        _stateFile.Write(_progress.Into(state));
    }
}
