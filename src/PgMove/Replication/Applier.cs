using System.Threading.Channels;
using Npgsql;
using Npgsql.Replication;
using NpgsqlTypes;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// Applies the changes to the target in source commit order. Several source transactions share one target
/// transaction (committed whenever the stream has nothing more ready, or the group is large), and each target commit
/// records the last source transaction's end LSN in the replication origin, atomically with the data. Only then is
/// that LSN confirmed to the source, so WAL is recycled only once applied. Changes are buffered and applied a batch
/// at a time: per table, folded to one net change per key and written set-based (<see cref="SetApplier"/>); a table
/// whose changes cannot be folded, or a batch the set-based writes fail on (a unique constraint other than the key
/// swapped between rows, say), goes one statement per change, in order. A TRUNCATE splits the batch.
/// </summary>
internal sealed class Applier(NpgsqlConnection target, LogicalReplicationConnection source, ChangeReader reader, SyncProgress progress)
{
    const int StatementsPerRoundTrip = 500;
    /// <summary>Changes buffered before they are written (also inside one big source transaction): bounds memory.</summary>
    const int BufferedChanges = 50_000;
    /// <summary>At a transaction boundary with this many changes buffered, the group commits even if more are ready.</summary>
    const int ChangesPerCommit = 20_000;

    readonly List<Change> _buffer = [];
    readonly SetApplier _sets = new(target);
    NpgsqlTransaction? _transaction;
    long _dequeued;
    int _groupTransactions;
    long _groupChanges;
    CommitChange? _lastCommit;
    int _boundary;        // _buffer entries up to here belong to complete source transactions
    bool _partialFlushed; // changes of the current, incomplete source transaction were written
    NpgsqlLogSequenceNumber _acknowledged;

    /// <summary>Applies until the stream ends; throws on its end, a stop or an error (uncommitted work is rolled back).</summary>
    public async Task RunAsync(ChannelReader<Change> changes, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                while (changes.TryRead(out var change))
                {
                    _dequeued++;
                    await HandleAsync(change, changes, ct);
                }
                if (!await WaitAsync(changes, ct)) throw new PgMoveException(ExitCode.StepFailed, "the source ended the replication stream before a cutover");
            }
        }
        finally
        {
            if (_transaction is not null) await _transaction.DisposeAsync();
        }
    }

    async Task HandleAsync(Change change, ChannelReader<Change> changes, CancellationToken ct)
    {
        switch (change)
        {
            case CommitChange commit:
                _lastCommit = commit;
                _groupTransactions++;
                _boundary = _buffer.Count;
                _partialFlushed = false;
                // Commit at a transaction boundary when nothing more is ready (low latency) or the group is large.
                if (_buffer.Count >= ChangesPerCommit || !changes.TryPeek(out _)) await CommitAsync(ct);
                break;
            case StopChange stop:
                // Keep what is complete when the incomplete transaction's changes were not written yet.
                if (_lastCommit is not null && !_partialFlushed)
                {
                    _buffer.RemoveRange(_boundary, _buffer.Count - _boundary);
                    await CommitAsync(ct);
                }
                throw new PgMoveException(ExitCode.StepFailed, stop.Message);
            default:
                _buffer.Add(change);
                _groupChanges++;
                if (_buffer.Count >= BufferedChanges)
                {
                    _partialFlushed = true;
                    await FlushAsync(ct);
                }
                break;
        }
    }

    /// <summary>Writes the buffered changes inside the group's transaction, a TRUNCATE splitting them.</summary>
    async Task FlushAsync(CancellationToken ct)
    {
        _transaction ??= await target.BeginTransactionAsync(ct);
        var start = 0;
        for (var i = 0; i <= _buffer.Count; i++)
        {
            if (i < _buffer.Count && _buffer[i] is not TruncateChange) continue;
            if (i > start) await WriteBatchAsync(_buffer.GetRange(start, i - start), ct);
            if (i < _buffer.Count) await WriteStatementsAsync([_buffer[i]], ct);
            start = i + 1;
        }
        _buffer.Clear();
        _boundary = 0;
    }

    /// <summary>Set-based per table under a savepoint; one statement per change when that fails or cannot be done.</summary>
    async Task WriteBatchAsync(List<Change> batch, CancellationToken ct)
    {
        var byTable = new Dictionary<ApplyTable, List<Change>>();
        var order = new List<ApplyTable>();
        foreach (var change in batch)
        {
            var table = TableOf(change);
            if (!byTable.TryGetValue(table, out var list)) { byTable[table] = list = []; order.Add(table); }
            list.Add(change);
        }
        await _transaction!.SaveAsync("pgmove_batch", ct);
        try
        {
            long missed = 0;
            foreach (var table in order)
            {
                if (ChangeFolder.Fold(table, byTable[table]) is { } folded) missed += await _sets.ApplyAsync(table, folded, ct);
                else await WriteStatementsAsync(byTable[table], ct);
            }
            progress.Missed += missed;
            await _transaction.ReleaseAsync("pgmove_batch", ct);
            _sets.Mark();
        }
        catch (PostgresException e) when (e.SqlState is "23505" or "23P01")
        {
            await _transaction.RollbackAsync("pgmove_batch", ct);
            _sets.RolledBack();
            await WriteStatementsAsync(batch, ct);
        }
    }

    static ApplyTable TableOf(Change change) => change switch
    {
        InsertChange c => c.Table,
        UpdateChange c => c.Table,
        DeleteChange c => c.Table,
        _ => throw new InvalidOperationException("not a row change: " + change.GetType().Name),
    };

    /// <summary>The changes one statement each, in order, a few hundred a round trip.</summary>
    async Task WriteStatementsAsync(IReadOnlyList<Change> changes, CancellationToken ct)
    {
        var pending = new List<(NpgsqlBatchCommand Command, bool MustMatchOne)>();
        foreach (var change in changes)
        {
            switch (change)
            {
                case InsertChange insert:
                    pending.Add((insert.Table.Insert(insert.New), false));
                    break;
                case UpdateChange update when update.Table.Update(update.Old, update.OldIsFull, update.New) is { } command:
                    pending.Add((command, true));
                    break;
                case DeleteChange delete:
                    pending.Add((delete.Table.Delete(delete.Old, delete.OldIsFull), true));
                    break;
                case TruncateChange truncate:
                    var sql = $"TRUNCATE ONLY {string.Join(", ", truncate.Tables.Select(t => t.QualifiedName))}" +
                              (truncate.RestartIdentity ? " RESTART IDENTITY" : "") + (truncate.Cascade ? " CASCADE" : "");
                    pending.Add((new NpgsqlBatchCommand(sql), false));
                    break;
            }
            if (pending.Count >= StatementsPerRoundTrip) await SendAsync(pending, ct);
        }
        await SendAsync(pending, ct);
    }

    async Task SendAsync(List<(NpgsqlBatchCommand Command, bool MustMatchOne)> pending, CancellationToken ct)
    {
        if (pending.Count == 0) return;
        await using var batch = new NpgsqlBatch(target, _transaction);
        foreach (var (command, _) in pending) batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(ct);
        foreach (var (command, mustMatchOne) in pending)
            if (mustMatchOne && command.RecordsAffected == 0) progress.Missed++;
        pending.Clear();
    }

    /// <summary>Commits the group with its origin position, then tells the source it may recycle that WAL.</summary>
    async Task CommitAsync(CancellationToken ct)
    {
        var last = _lastCommit!;
        await FlushAsync(ct);
        // Every group moves the origin, also one that wrote nothing (the cutover's fence, or UPDATEs that matched no
        // row): that needs a commit record, which only a transaction with an xid writes.
        await using (var batch = new NpgsqlBatch(target, _transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT txid_current()"),
                new NpgsqlBatchCommand("SELECT pg_replication_origin_xact_setup($1, $2)")
                {
                    Parameters = { new() { Value = last.EndLsn, NpgsqlDbType = NpgsqlDbType.PgLsn }, new() { Value = last.CommitTime, NpgsqlDbType = NpgsqlDbType.TimestampTz } },
                },
            },
        })
            await batch.ExecuteNonQueryAsync(ct);
        await _transaction!.CommitAsync(ct);
        await _transaction.DisposeAsync();
        _transaction = null;
        source.SetReplicationStatus(last.EndLsn);
        _acknowledged = last.EndLsn;
        progress.Applied(last.EndLsn, last.CommitTime, _groupTransactions, _groupChanges);
        _groupTransactions = 0;
        _groupChanges = 0;
        _lastCommit = null;
    }

    /// <summary>
    /// Waits for more changes; while idle, confirms what the server has sent past the last commit (keepalives on a
    /// quiet database), so the slot does not pin WAL. Safe only when every change received is applied and no
    /// transaction is half-read: read the position first, then check.
    /// </summary>
    async Task<bool> WaitAsync(ChannelReader<Change> changes, CancellationToken ct)
    {
        while (true)
        {
            var wait = changes.WaitToReadAsync(ct).AsTask();
            if (await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(1), ct)) == wait) return await wait;
            var received = source.LastReceivedLsn;
            if (!reader.InTransaction && reader.Enqueued == _dequeued && _transaction is null && received > _acknowledged)
            {
                source.SetReplicationStatus(received);
                _acknowledged = received;
                progress.Idle(received);
            }
        }
    }
}
