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
/// copy, a replication origin on the target, then the changes streamed and applied until a cutover releases the
/// target and stops it. A rerun after a crash or a stop resumes from the origin's position when the copy had
/// finished, exactly once. The migration is found on the servers (<see cref="MigrationNames"/>,
/// <see cref="MigrationRecord"/>); the state directory only holds this process's progress file.
/// </summary>
public sealed class SyncRunner(SyncOptions options, IProgressSink sink)
{
    readonly SyncProgress _progress = new();
    MigrationNames _names = null!;

    /// <summary>Gets the sync's state each time it is written to the progress file (every second): --metrics-port.</summary>
    public Action<SyncState>? Observer { get; init; }

    SyncReporter _reporter = null!;

    /// <summary>Runs until a cutover finished the migration; returns what was applied.</summary>
    public async Task<SyncSummary> RunAsync(CancellationToken ct)
    {
        await using var admin = await PgSession.OpenAsync(ReplicationSettings.SourceAdmin(options.Source), Side.Source, options.Source.ToString(), ct);
        _names = await MigrationNames.ResolveAsync(admin, options.Source, options.Target, ct);
        var directory = options.StateDirectory ?? _names.DefaultStateDirectory;
        _reporter = new SyncReporter(new SyncStateFile(directory), _progress, sink, Observer);
        _reporter.Write(new SyncState { Pid = Environment.ProcessId, StartedAt = DateTimeOffset.UtcNow, Phase = SyncPhase.Copying });
        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporting = _reporter.RunAsync(options.Source, _names.Slot, heartbeat.Token);
        try
        {
            return await RunPhasesAsync(admin, directory, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && _reporter.State.Phase == SyncPhase.Streaming)
        {
            throw new PgMoveException(ExitCode.Interrupted, await DescribeLeftAsync("interrupted"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await StopAsync(heartbeat, reporting);
            var failed = _reporter.State.Phase == SyncPhase.Failed ? _reporter.State : _reporter.State with { Phase = SyncPhase.Failed, Error = e.Message };
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

    async Task<SyncSummary> RunPhasesAsync(NpgsqlConnection admin, string directory, CancellationToken ct)
    {
        var targetIdentity = await CheckPrivilegesAsync(admin, ct);
        await MigrationLookup.LockSyncAsync(admin, _names, ct);
        var slot = await RequireNoOtherSyncAsync(admin, targetIdentity, ct);
        var server = await ServerCatalog.ReadAsync(admin, ct);
        var native = slot is not null && await NativeApply.ExistsAsync(_names, ct);
        var (replication, resumeAfter) = slot is not null && (native || await TargetHasOriginAsync(ct))
            ? await ResumeAsync(ct)
            : await StartFreshAsync(admin, targetIdentity, ct);
        try
        {
            if (native || options.NativeApply) await FollowNativeAsync(admin, replication, created: !native, ct);
            else await StreamAsync(admin, replication, resumeAfter, server.VersionNum, ct);
        }
        finally
        {
            await DisposeQuietlyAsync(replication);
        }
        Write(_reporter.State with { Phase = SyncPhase.Done });
        var s = _progress.Into(_reporter.State);
        return new SyncSummary(options.Source.ToString(), _names.Target.ToString(), s.Transactions, s.Changes, directory);
    }

    /// <summary>--apply native: the slot is handed to the target's subscription (created after the copy), which sync then follows.</summary>
    async Task FollowNativeAsync(NpgsqlConnection admin, LogicalReplicationConnection replication, bool created, CancellationToken ct)
    {
        await DisposeQuietlyAsync(replication);
        if (created)
        {
            await NativeApply.CreateAsync(_names, options.Source, ct);
            sink.Report(new Notice($"native subscription {_names.Id} created on the target on slot {_names.Slot}: the target applies the changes itself"));
        }
        // The subscription exists: pgmove's origin (the copy's done-mark) has served.
        await using (var session = await PgSession.OpenAsync(ReplicationSettings.Target(_names.Target), Side.Target, _names.Target.ToString(), ct))
            await TargetOrigin.DropAsync(session, _names.Origin, ct);
        await StartStreamingAsync(admin, ct);
        await NativeApply.FollowAsync(admin, _names, _progress, ct);
        sink.Report(new Notice("the cutover released the target and stopped this sync: the migration is complete"));
    }

    /// <summary>
    /// The streaming phase begins. The fence ends every other session of the source database but the ones the record
    /// names: the sync's admin session stays, to read the record when the stream ends.
    /// </summary>
    async Task StartStreamingAsync(NpgsqlConnection admin, CancellationToken ct)
    {
        if (await MigrationRecordStore.ReadAsync(admin, _names.Publication, ct) is { } record)
            await MigrationRecordStore.WriteAsync(admin, _names.Publication,
                record with { SyncSessionPid = admin.ProcessID, Pid = Environment.ProcessId, Host = Environment.MachineName }, ct);
        Write(_reporter.State with { Phase = SyncPhase.Streaming }); // after the record: a cutover started now spares this session
    }

    /// <summary>Closing a replication connection the server has already ended (the cutover ends it) may throw: nothing is lost.</summary>
    static async Task DisposeQuietlyAsync(LogicalReplicationConnection replication)
    {
        try
        {
            await replication.DisposeAsync();
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or TimeoutException)
        {
        }
    }

    /// <summary>
    /// The existing slot of this source database's migration, when it may be resumed by this run; refuses (exit 11)
    /// when it belongs to a migration to another target, is being streamed, or would be thrown away by --clean.
    /// </summary>
    async Task<SlotInfo?> RequireNoOtherSyncAsync(NpgsqlConnection admin, ServerIdentity target, CancellationToken ct)
    {
        var record = await MigrationRecordStore.ReadAsync(admin, _names.Publication, ct);
        if (record is not null) MigrationLookup.RequireTarget(record, target, _names);
        if (record?.State == MigrationState.CutOver)
            throw new PgMoveException(ExitCode.Refused,
                $"this source database's migration was cut over {record.Describe()}: the target is in use; `pgmove cleanup` drops what is left; nothing was changed");
        var slot = await ReplicationCatalog.ReadSettledSlotAsync(admin, _names.Slot, TimeSpan.FromSeconds(5), ct);
        if (slot?.ActivePid is { } pid && !await NativeApply.ExistsAsync(_names, ct)) // a native subscription streams it without pgmove
            throw new PgMoveException(ExitCode.Refused,
                $"a pgmove sync of this source database is running (walsender pid {pid}{(record is null ? "" : ", " + record.Describe())}); nothing was changed");
        if (slot is not null && options.Copy.Clean && await TargetHasOriginAsync(ct))
            throw new PgMoveException(ExitCode.Refused,
                $"an earlier sync of this source database {record?.Describe() ?? ""} can resume, and --clean would throw its target away: " +
                "run `pgmove sync` without --clean to resume it, or `pgmove cleanup` first to start over; nothing was changed");
        return slot;
    }

    /// <summary>Fails before anything is created or copied when a side lacks what streaming needs; returns the target's identity.</summary>
    async Task<ServerIdentity> CheckPrivilegesAsync(NpgsqlConnection admin, CancellationToken ct)
    {
        var settings = await ReplicationReadinessCatalog.ReadSettingsAsync(admin, ct);
        Require(OnlineRules.WalLevel(settings), ExitCode.Incompatible);
        Require(OnlineRules.SourceMayReplicate(settings, (await ServerCatalog.ReadAsync(admin, ct)).CurrentUser), ExitCode.InsufficientPrivilege);
        await using var target = await TargetCluster.OpenAsync(_names.Target, ct);
        var targetServer = await ServerCatalog.ReadAsync(target, ct);
        Require(options.NativeApply
            ? OnlineRules.TargetMaySubscribe(targetServer, await SubscriptionCatalog.MayCreateAsync(target, targetServer, ct))
            : OnlineRules.TargetMayApply(targetServer), ExitCode.InsufficientPrivilege);
        if (await ObjectCatalog.CountLargeObjectsAsync(admin, ct) > 0)
            sink.Report(new Notice("large objects are copied once; their later changes are not replicated (logical decoding does not carry them)", true));
        // The target database may not exist yet (the copy creates it): its cluster and name identify it.
        return (await ServerIdentity.ReadAsync(target, ct)) with { Database = _names.Target.Database };
    }

    /// <summary>A "no" of the rule book (the one check --online reports) stops sync before anything is created.</summary>
    static void Require(RuleVerdict verdict, ExitCode code)
    {
        if (!verdict.Ok) throw new PgMoveException(code, $"{verdict.Evidence}; fix: {verdict.Fix}; nothing was changed");
    }

    async Task<bool> TargetHasOriginAsync(CancellationToken ct)
    {
        try
        {
            await using var target = await PgSession.OpenAsync(ReplicationSettings.Target(_names.Target), Side.Target, _names.Target.ToString(), ct);
            return await ReplicationCatalog.OriginExistsAsync(target, _names.Origin, ct);
        }
        catch (PgMoveException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName })
        {
            return false; // no target database yet: a fresh start
        }
    }

    async Task<(LogicalReplicationConnection, NpgsqlLogSequenceNumber?)> ResumeAsync(CancellationToken ct)
    {
        NpgsqlLogSequenceNumber? progress;
        await using (var target = await PgSession.OpenAsync(ReplicationSettings.Target(_names.Target), Side.Target, _names.Target.ToString(), ct))
            progress = await ReplicationCatalog.OriginExistsAsync(target, _names.Origin, ct) // none with --apply native
                ? await ReplicationCatalog.ReadOriginProgressAsync(target, _names.Origin, ct)
                : null;
        sink.Report(new Notice($"resuming the sync of {options.Source} -> {_names.Target} from source LSN {progress?.ToString() ?? "the start"} " +
                               "(the copy was done; transactions already applied are skipped)"));
        return (await OpenReplicationAsync(ct), progress);
    }

    async Task<(LogicalReplicationConnection, NpgsqlLogSequenceNumber?)> StartFreshAsync(NpgsqlConnection admin, ServerIdentity target,
        CancellationToken ct)
    {
        if (await TargetHasOriginAsync(ct))
            throw new PgMoveException(ExitCode.Refused,
                $"the target has the replication origin {_names.Origin} of an earlier sync but the source's slot {_names.Slot} is gone, " +
                "so the changes since then cannot be recovered; run `pgmove cleanup`, then `pgmove sync --clean` to start over");
        var server = await ServerCatalog.ReadAsync(admin, ct);
        var selection = await Filters.SelectionReader.ReadAsync(admin, options.Copy.Filters, options.Source.Database, ct);
        var tables = await SourceSetup.PrepareTablesAsync(admin, server.VersionNum, options.SetReplicaIdentityFull, sink, ct, selection);
        // Leftovers of an earlier run that stopped before its copy was complete: that copy is lost anyway.
        // Its copy cannot be resumed as `copy --resume` does: the rows copied so far are as of the slot's exported
        // snapshot, which ended with the session that created the slot, and the slot's changes start at that snapshot.
        if (await SourceSetup.DropSlotAsync(admin, _names.Slot, ct))
            sink.Report(new Notice($"dropped slot {_names.Slot} left by an earlier, unfinished sync: its initial copy cannot be resumed " +
                                   "(the slot's snapshot ended with the session that exported it, and a copy resumed from another " +
                                   "snapshot would not match the slot's changes); copying again from a new slot"));
        await SourceSetup.DropPublicationAsync(admin, _names.Publication, ct);
        Write(_reporter.State);

        await SourceSetup.CreatePublicationAsync(admin, _names.Publication, tables, ct);
        await MigrationRecordStore.WriteAsync(admin, _names.Publication, new MigrationRecord
        {
            Target = _names.Target.ToString(), TargetSystemId = target.SystemId, TargetDatabase = target.Database,
            StartedAt = DateTimeOffset.UtcNow, Host = Environment.MachineName, Pid = Environment.ProcessId,
            Filters = options.Copy.Filters.IsEmpty ? null : options.Copy.Filters,
        }, ct);
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
            await using (var session = await PgSession.OpenAsync(ReplicationSettings.Target(_names.Target), Side.Target, _names.Target.ToString(), ct))
            {
                // pg_dump carries the publication over like any other; on the target it has no use.
                await SourceSetup.DropPublicationAsync(session, _names.Publication, ct);
                // With --apply native the subscription has its own origin: pgmove's then only marks the copy as done,
                // so that a sync killed before the subscription exists attaches it without copying again.
                await TargetOrigin.RecreateAsync(session, _names.Origin, slot.ConsistentPoint, markOnly: options.NativeApply, ct);
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
            Write(_reporter.State with { Phase = SyncPhase.Failed, Error = e.Message });
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
        catch (PgMoveException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName })
        {
        }
    }

    async Task CopyAsync(string snapshot, CancellationToken ct)
    {
        var copy = options.Copy with
        {
            Source = options.Source,
            Target = _names.Target,
            StateDirectory = Path.Combine(_reporter.Directory, "copy"),
            ExternalSnapshot = snapshot,
            Verify = false,
        };
        var summary = await new CopyRunner(copy, sink).RunAsync(ct);
        sink.Report(new Notice($"copy done: {summary.Tables} tables, {summary.Rows} rows in {summary.Elapsed.TotalSeconds:0.0} s; streaming changes"));
    }

    async Task<LogicalReplicationConnection> OpenReplicationAsync(CancellationToken ct)
    {
        var connection = new LogicalReplicationConnection(ReplicationSettings.SourceReplication(options.Source))
        {
            // The confirmed position reaches the source with the next status update: at this interval, so that the
            // source's lag under a steady load saws within a quarter second of WAL, not a whole second (bench/lag.sh).
            WalReceiverStatusInterval = BatchWriter.ConfirmEvery,
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

    /// <summary>Streams and applies until a cutover stops the stream; throws when it ends for any other reason.</summary>
    async Task StreamAsync(NpgsqlConnection admin, LogicalReplicationConnection replication, NpgsqlLogSequenceNumber? resumeAfter,
        int sourceVersion, CancellationToken ct)
    {
        await StartStreamingAsync(admin, ct);
        await using var applierConnection = await PgSession.OpenAsync(ReplicationSettings.Applier(_names.Target), Side.Target, _names.Target.ToString(), ct);
        await TargetOrigin.SetupSessionAsync(applierConnection, _names.Origin, ct);
        await using var relations = new RelationResolver(ReplicationSettings.SourceReader(options.Source), ReplicationSettings.Target(_names.Target),
            options.Source.ToString(), _names.Target.ToString());
        var channel = Channel.CreateBounded<Change>(new BoundedChannelOptions(20_000) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reader = new ChangeReader(replication, _names.Slot, _names.Publication, resumeAfter, relations, channel.Writer, sourceVersion, _progress);
        var reading = Task.Run(() => reader.RunAsync(stop.Token), CancellationToken.None);
        try
        {
            await new Applier(applierConnection, replication, reader, _progress).RunAsync(channel.Reader, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (await IsCutOverAsync(admin))
            {
                sink.Report(new Notice("the cutover released the target and stopped this sync: the migration is complete"));
                return;
            }
            var known = e as PgMoveException
                        ?? (e is NpgsqlException ? PgSession.Describe(e, Side.Target, _names.Target.ToString()) : null);
            var message = known?.Message ?? "internal error: " + e;
            Write(_reporter.State with { Phase = SyncPhase.Failed, Error = message });
            throw new PgMoveException(known?.ExitCode ?? ExitCode.InternalError, await DescribeLeftAsync(message), e);
        }
        finally
        {
            await stop.CancelAsync();
            await reading;
        }
    }

    /// <summary>
    /// Whether a cutover finished this migration: the record says so, or the publication is already dropped. Asked
    /// on the sync's own session, which the fence spares (a non-superuser could not connect to the fenced database).
    /// </summary>
    async Task<bool> IsCutOverAsync(NpgsqlConnection admin)
    {
        try
        {
            // The cutover marks the record, then ends this stream, then drops the publication: read in that order.
            var record = await MigrationRecordStore.ReadAsync(admin, _names.Publication, CancellationToken.None);
            if (record?.State == MigrationState.CutOver) return true;
            if (!await ReplicationCatalog.PublicationExistsAsync(admin, _names.Publication, CancellationToken.None)) return true;
            sink.Report(new Notice($"the stream ended and the migration's record says {record?.State ?? "nothing"}: not a cutover", true));
            return false;
        }
        catch (Exception e) when (e is NpgsqlException or PgMoveException)
        {
            sink.Report(new Notice($"could not read the migration's record on the source ({e.Message})", true));
            return false;
        }
    }

    /// <summary>What a stopped sync leaves on the servers, and the two ways on.</summary>
    async Task<string> DescribeLeftAsync(string why)
    {
        long? retained = null;
        try
        {
            await using var admin = await PgSession.OpenAsync(ReplicationSettings.SourceReader(options.Source), Side.Source, options.Source.ToString(), CancellationToken.None);
            retained = (await ReplicationCatalog.ReadSlotAsync(admin, _names.Slot, CancellationToken.None))?.RetainedBytes;
        }
        catch (Exception e) when (e is NpgsqlException or PgMoveException)
        {
        }
        return $"{why}. The slot {_names.Slot} is kept on the source{(retained is { } r ? $" and retains {r / (1024.0 * 1024):0.0} MB of WAL" : "")}, " +
               "which grows until the sync resumes. To go on: `pgmove sync` again with the same --source and --target (it resumes exactly where " +
               "the target is). To give up: `pgmove cleanup` with the same --source and --target (drops slot, publication and origin)";
    }

    SyncState Write(SyncState state) => _reporter.Write(state);
}
