using System.Diagnostics;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// <c>pgmove cutover</c>, run beside a streaming <c>pgmove sync</c>: waits until the lag is small, fences writes on the
/// source (the database becomes read-only by default and its other sessions are ended), then writes a logical message
/// into the WAL. The stream delivers it after every transaction committed before the fence, so when the sync sees it
/// the target holds everything; the sync then sets sequences, verifies and drops the slot, publication and origin.
/// A failure before the fence changes nothing and the sync keeps running; after the fence the source stays read-only.
/// </summary>
public sealed class CutoverRunner(CutoverOptions options, IProgressSink sink)
{
    readonly MigrationNames _names = MigrationNames.For(options.Source, options.Target);

    public async Task<CutoverSummary> RunAsync(CancellationToken ct)
    {
        var stateFile = new SyncStateFile(options.StateDirectory ?? _names.DefaultStateDirectory);
        var state = RequireStreamingSync(stateFile);
        var database = options.Source.Database;
        await using var admin = await PgSession.OpenAsync(ReplicationSettings.SourceAdmin(options.Source), Side.Source, options.Source.ToString(), ct);
        if (await ReplicationCatalog.ReadSlotAsync(admin, _names.Slot, ct) is null)
            throw new PgMoveException(ExitCode.StepFailed, $"the source has no slot {_names.Slot}: no sync of this source and target is streaming");
        string[] steps =
        [
            $"wait until the slot {_names.Slot} lags at most {options.MaxLagBytes} bytes (sync pid {state.Pid})",
            $"ALTER DATABASE {Quote.Ident(database)} SET default_transaction_read_only = on, and end the database's other sessions",
            "write a fence into the WAL and wait until the sync has applied everything before it",
            "sync: set sequences, verify row counts of every replicated table, drop slot, publication and origin",
        ];
        if (options.DryRun)
        {
            foreach (var step in steps) sink.Report(new Notice("would " + step));
            return new CutoverSummary(options.Source.ToString(), _names.Target.ToString(), true, TimeSpan.Zero, 0, 0, 0, steps);
        }

        var lag = await WaitForLagAsync(admin, stateFile, ct);
        var freeze = Stopwatch.StartNew();
        var fence = Guid.NewGuid().ToString("N");
        stateFile.RequestFence(fence);
        await FenceAsync(admin, database, stateFile, fence, ct);
        sink.Report(new Notice($"source database {database} fenced (read-only, other sessions ended); waiting for the sync to apply up to the fence"));
        var done = await WaitForFinishAsync(stateFile, fence, database, ct);
        freeze.Stop();
        return new CutoverSummary(options.Source.ToString(), _names.Target.ToString(), false, freeze.Elapsed, lag,
            done.Sequences ?? 0, done.TablesVerified ?? 0, steps);
    }

    SyncState RequireStreamingSync(SyncStateFile stateFile)
    {
        var state = stateFile.Read();
        if (state is null || !state.IsAlive(TimeSpan.FromSeconds(30)))
            throw new PgMoveException(ExitCode.StepFailed,
                $"no pgmove sync is running for {options.Source} -> {_names.Target} (state directory {stateFile.Directory}); start `pgmove sync` first " +
                "(with the same --dir if it was given one)");
        if (state.Phase != SyncPhase.Streaming)
            throw new PgMoveException(ExitCode.StepFailed, $"the sync (pid {state.Pid}) is {state.Phase}, not streaming yet; run cutover once it streams");
        return state;
    }

    async Task<long> WaitForLagAsync(NpgsqlConnection admin, SyncStateFile stateFile, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + options.Timeout;
        var lastReport = DateTime.MinValue;
        while (true)
        {
            RequireStreamingSync(stateFile);
            var slot = await ReplicationCatalog.ReadSlotAsync(admin, _names.Slot, ct)
                       ?? throw new PgMoveException(ExitCode.StepFailed, $"slot {_names.Slot} disappeared from the source; nothing was fenced");
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
            await Task.Delay(250, ct);
        }
    }

    static async Task FenceAsync(NpgsqlConnection admin, string database, SyncStateFile stateFile, string fence, CancellationToken ct)
    {
        await PgSession.ExecuteAsync(admin, $"ALTER DATABASE {Quote.Ident(database)} SET default_transaction_read_only = on", ct);
        try
        {
            await EndSessionsAndMarkAsync(admin, stateFile, fence, ct);
        }
        catch (Exception e) when (e is NpgsqlException or PgMoveException)
        {
            throw new PgMoveException(ExitCode.StepFailed,
                $"fencing failed after the source database was made read-only ({e.Message}); " +
                $"ALTER DATABASE {Quote.Ident(database)} RESET default_transaction_read_only reopens it, the sync keeps running", e);
        }
    }

    static async Task EndSessionsAndMarkAsync(NpgsqlConnection admin, SyncStateFile stateFile, string fence, CancellationToken ct)
    {
        // Sessions opened before the ALTER keep their writable default: end them (not the sync's own, nor walsenders).
        await using (var cmd = new NpgsqlCommand("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
              AND application_name IS DISTINCT FROM $1
            """, admin) { Parameters = { new() { Value = ReplicationSettings.SyncApplicationName } } })
            await cmd.ExecuteScalarAsync(ct);
        // The sync learns the fence's transaction id before it commits: a source before PostgreSQL 14 streams only the
        // (otherwise empty) transaction, not the message.
        await using var transaction = await admin.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("SELECT txid_current() % 4294967296", admin, transaction))
            stateFile.RequestFence(fence, (uint)(long)(await cmd.ExecuteScalarAsync(ct))!);
        await using (var cmd = new NpgsqlCommand("SELECT pg_logical_emit_message(true, 'pgmove', $1)", admin, transaction)
                     { Parameters = { new() { Value = "fence:" + fence } } })
            await cmd.ExecuteScalarAsync(ct);
        await transaction.CommitAsync(ct);
    }

    async Task<SyncState> WaitForFinishAsync(SyncStateFile stateFile, string fence, string database, CancellationToken ct)
    {
        var reopen = $"the source database stays read-only (ALTER DATABASE {Quote.Ident(database)} RESET default_transaction_read_only reopens it)";
        var deadline = DateTime.UtcNow + options.Timeout;
        while (true)
        {
            var state = stateFile.Read();
            if (state is { Phase: SyncPhase.Done, FenceId: var id } && id == fence) return state;
            if (state is { Phase: SyncPhase.Failed })
                throw new PgMoveException(state.FailureCode is { } code ? (ExitCode)code : ExitCode.StepFailed,
                    $"the sync failed while finishing: {state.Error}; {reopen}");
            if (state is null || !state.IsAlive(TimeSpan.FromSeconds(30)))
                throw new PgMoveException(ExitCode.StepFailed,
                    $"the sync stopped after the fence; {reopen}; run `pgmove sync` again, then `pgmove cutover` to finish");
            if (DateTime.UtcNow > deadline)
                throw new PgMoveException(ExitCode.StepFailed, $"the sync did not finish within {options.Timeout.TotalSeconds:0} s after the fence; {reopen}");
            await Task.Delay(100, ct);
        }
    }
}
