using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Sequences;
using PgMove.Verify;

namespace PgMove.Replication;

/// <summary>
/// The part of a cutover during which the source refuses writes, and nothing more: fence, wait until the target's
/// replication origin has passed the fence (everything committed before it is applied), export a snapshot of the
/// target at that point (what verification compares later), set the sequences, release. Any failure or
/// interruption before the release lifts the fence again, so a failed cutover gives the source its writes back.
/// </summary>
internal sealed class CutoverFreeze(CutoverOptions options, MigrationNames names, IProgressSink sink)
{
    /// <summary>How often the sync's slot is checked while waiting: a dead sync aborts the wait early.</summary>
    static readonly TimeSpan SlotCheckInterval = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan SyncGoneAfter = TimeSpan.FromSeconds(2);

    public sealed record Result(FenceRecord Fence, TimeSpan Elapsed, int Sequences, SnapshotHolder? TargetSnapshot);

    /// <param name="admin">The source session that fences, emits the fence and reads sequences.</param>
    /// <param name="target">The target session that watches the origin and sets sequences.</param>
    /// <param name="record">The migration's record, kept with the fence in it.</param>
    /// <param name="ct">Cancellation; an interruption before the release lifts the fence.</param>
    /// <param name="snapshotSession">A target session left to hold the exported snapshot.</param>
    /// <param name="spared">Source sessions of the cutover itself, which the fence must not end.</param>
    public async Task<Result> RunAsync(NpgsqlConnection admin, NpgsqlConnection target, NpgsqlConnection snapshotSession,
        MigrationRecord record, IReadOnlyCollection<int> spared, CancellationToken ct)
    {
        var fence = await SourceFence.PrepareAsync(admin, record.Fence, ct);
        var clock = Stopwatch.StartNew();
        SnapshotHolder? snapshot = null;
        try
        {
            await SourceFence.ApplyAsync(admin, names.Publication, record, fence, CancellationToken.None);
            await SourceFence.EndOtherSessionsAsync(admin, spared, ct);
            var fenceLsn = await EmitFenceAsync(admin, fence.Id, ct);
            sink.Report(new Notice($"source database {admin.Database} fenced at LSN {fenceLsn} (only superusers may connect; other sessions ended); " +
                                   "waiting for the sync to apply everything before it"));
            await WaitAppliedAsync(admin, target, fenceLsn, ct);
            await WaitApplierIdleAsync(target, ct);
            if (options.Verify != VerifyLevel.None) snapshot = await SnapshotHolder.ExportAsync(snapshotSession, ct);
            var sequences = await SetSequencesAsync(admin, target, record.Filters, ct);
            clock.Stop();
            return new Result(fence, clock.Elapsed, sequences, snapshot);
        }
        catch (Exception e)
        {
            if (snapshot is not null) await snapshot.DisposeAsync();
            throw await AbortAsync(admin, fence, record, e);
        }
    }

    static async Task<NpgsqlLogSequenceNumber> EmitFenceAsync(NpgsqlConnection admin, string id, CancellationToken ct)
    {
        // Transactional: the stream delivers it as a transaction of its own, after every one committed before it;
        // its commit moves the target's origin past the returned position.
        await using var cmd = new NpgsqlCommand("SELECT pg_logical_emit_message(true, 'pgmove', $1)", admin)
        { Parameters = { new() { Value = "fence:" + id } } };
        return (NpgsqlLogSequenceNumber)(await cmd.ExecuteScalarAsync(ct))!;
    }

    async Task WaitAppliedAsync(NpgsqlConnection admin, NpgsqlConnection target, NpgsqlLogSequenceNumber fenceLsn, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var lastSlotCheck = TimeSpan.Zero;
        var lastSeenStreaming = TimeSpan.Zero;
        // A native subscriber skips the fence's empty transaction, so its origin may stay short of the fence: the
        // slot's confirmed position is what it has applied and flushed, the fence's commit included.
        var native = await SubscriptionCatalog.ExistsAsync(target, names.Id, ct);
        while (true)
        {
            var applied = native
                ? (await ReplicationCatalog.ReadSlotAsync(admin, names.Slot, ct))?.ConfirmedFlush
                : await ReplicationCatalog.ReadOriginProgressAsync(target, names.Origin, ct);
            if (applied is { } lsn && lsn >= fenceLsn) return;
            if (clock.Elapsed > options.FreezeTimeout)
                throw new PgMoveException(ExitCode.StepFailed,
                    $"the sync did not apply the changes up to the fence within {options.FreezeTimeout.TotalSeconds:0} s " +
                    $"(--freeze-timeout; target at source LSN {applied?.ToString() ?? "-"}, fence at {fenceLsn}): is a lock on the target holding the applier?");
            if (clock.Elapsed - lastSlotCheck > SlotCheckInterval)
            {
                lastSlotCheck = clock.Elapsed;
                if ((await ReplicationCatalog.ReadSlotAsync(admin, names.Slot, ct))?.ActivePid is not null) lastSeenStreaming = clock.Elapsed;
                else if (clock.Elapsed - lastSeenStreaming > SyncGoneAfter)
                    throw new PgMoveException(ExitCode.StepFailed, $"the sync stopped streaming (slot {names.Slot} has no walsender)");
            }
            await Task.Delay(5, ct);
        }
    }

    /// <summary>
    /// Waits until the applier has no transaction in progress on the target. The origin moves inside the commit,
    /// before the commit becomes visible to other sessions: a snapshot taken in between would miss the last group.
    /// </summary>
    async Task WaitApplierIdleAsync(NpgsqlConnection target, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (await PgSession.ScalarAsync<long>(target,
                   $"SELECT count(*) FROM pg_stat_activity WHERE application_name = {Sql.Quote.Literal(ReplicationSettings.SyncApplicationName)} " +
                   "AND backend_xid IS NOT NULL", ct) > 0)
        {
            if (clock.Elapsed > options.FreezeTimeout)
                throw new PgMoveException(ExitCode.StepFailed, "the sync's applier kept a transaction open on the target after the fence");
            await Task.Delay(2, ct);
        }
    }

    /// <summary>
    /// Sets every sequence the migration moves (all, or those its filters select) to the fenced source's value and
    /// checks that the target holds exactly those values.
    /// </summary>
    static async Task<int> SetSequencesAsync(NpgsqlConnection admin, NpgsqlConnection target, Filters.FilterOptions? filters, CancellationToken ct)
    {
        var selection = filters is null ? null : await Filters.SelectionReader.ReadAsync(admin, filters, admin.Database!, ct);
        var count = await SequenceSetItem.CopyAsync(admin, target, ct, selection);
        var source = (await SequenceCatalog.ReadAsync(admin, ct)).Where(s => selection?.IncludesName(s.Schema, s.Name) ?? true);
        var set = (await SequenceCatalog.ReadAsync(target, ct)).ToHashSet();
        if (source.FirstOrDefault(s => !set.Contains(s)) is { } differing)
            throw new PgMoveException(ExitCode.StepFailed, $"sequence {differing.QualifiedName} does not hold the source's value {differing.LastValue} on the target");
        return count;
    }

    /// <summary>Lifts the fence after a failure before the release; returns the exception to throw.</summary>
    async Task<PgMoveException> AbortAsync(NpgsqlConnection admin, FenceRecord fence, MigrationRecord record, Exception cause)
    {
        var reason = cause is OperationCanceledException ? "interrupted" : Describe(cause);
        try
        {
            await LiftAsync(admin, fence, record);
        }
        catch (Exception e) when (e is NpgsqlException or PgMoveException or InvalidOperationException)
        {
            return new PgMoveException(cause is OperationCanceledException ? ExitCode.Interrupted : ExitCode.StepFailed,
                $"cutover failed after the fence ({reason}), and lifting the fence failed too ({e.Message}): the source database " +
                $"{admin.Database} refuses writes. Lift it as a superuser or the database owner, in any session on the source: " +
                SourceFence.LiftAdvice(admin.Database, fence), cause);
        }
        sink.Report(new Notice($"cutover aborted ({reason}): the fence is lifted and the source database {admin.Database} takes writes again", true));
        return new PgMoveException(ExitCode.CutoverAborted,
            $"cutover aborted: {reason}. The fence is lifted: the source takes writes again and nothing was switched" +
            (options.BeforeFence is null ? "" : " (undo what the before-fence hook did, e.g. RESUME a paused pooler)") +
            ". The sync goes on (if it stopped, start `pgmove sync` again with the same --source and --target; it resumes); " +
            "run `pgmove cutover` again when the cause is gone", cause);
    }

    async Task LiftAsync(NpgsqlConnection admin, FenceRecord fence, MigrationRecord record)
    {
        if (admin.FullState == System.Data.ConnectionState.Open)
        {
            await SourceFence.LiftAsync(admin, admin.Database, fence, names.Publication, record, CancellationToken.None);
            return;
        }
        // The fenced database admits superusers only: lift from the maintenance database.
        var maintenance = options.Source.WithDatabase("postgres");
        await using var other = await PgSession.OpenAsync(ReplicationSettings.SourceAdmin(maintenance), Side.Source, maintenance.ToString(), CancellationToken.None);
        await SourceFence.LiftAsync(other, options.Source.Database, fence, names.Publication, null, CancellationToken.None);
    }

    static string Describe(Exception e) => e switch
    {
        PgMoveException p => p.Message,
        PostgresException p => $"{p.SqlState}: {p.MessageText}",
        NpgsqlException n => n.InnerException?.Message ?? n.Message,
        _ => e.Message,
    };
}
