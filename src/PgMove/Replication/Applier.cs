using System.Threading.Channels;
using Npgsql;
using Npgsql.Replication;
using NpgsqlTypes;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// Applies the changes to the target in source commit order. Several source transactions share one target
/// transaction (committed whenever the stream has nothing more ready, or the group is large), statements travel in
/// batches, and each target commit records the last source transaction's end LSN in the replication origin,
/// atomically with the data. Only then is that LSN confirmed to the source, so WAL is recycled only once applied.
/// </summary>
internal sealed class Applier(NpgsqlConnection target, LogicalReplicationConnection source, ChangeReader reader, SyncProgress progress)
{
    const int StatementsPerRoundTrip = 500;
    const int TransactionsPerCommit = 5000;

    readonly List<NpgsqlBatchCommand> _pending = [];
    readonly List<bool> _mustMatchOne = [];
    NpgsqlTransaction? _transaction;
    long _dequeued;
    int _groupTransactions;
    long _groupChanges;
    CommitChange? _lastCommit;
    int _boundary;        // _pending entries up to here belong to complete source transactions
    bool _partialFlushed; // statements of the current, incomplete source transaction were sent
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
            case InsertChange insert:
                await AddAsync(insert.Table.Insert(insert.New), false, ct);
                break;
            case UpdateChange update when update.Table.Update(update.Old, update.OldIsFull, update.New) is { } command:
                await AddAsync(command, true, ct);
                break;
            case DeleteChange delete:
                await AddAsync(delete.Table.Delete(delete.Old, delete.OldIsFull), true, ct);
                break;
            case TruncateChange truncate:
                var sql = $"TRUNCATE ONLY {string.Join(", ", truncate.Tables.Select(t => t.QualifiedName))}" +
                          (truncate.RestartIdentity ? " RESTART IDENTITY" : "") + (truncate.Cascade ? " CASCADE" : "");
                await AddAsync(new NpgsqlBatchCommand(sql), false, ct);
                break;
            case CommitChange commit:
                _lastCommit = commit;
                _groupTransactions++;
                _boundary = _pending.Count;
                _partialFlushed = false;
                // Commit at a transaction boundary when nothing more is ready (low latency) or the group is large.
                if (_groupTransactions >= TransactionsPerCommit || !changes.TryPeek(out _)) await CommitAsync(ct);
                break;
            case StopChange stop:
                // Keep what is complete when the incomplete transaction's statements were not sent yet.
                if (_lastCommit is not null && !_partialFlushed)
                {
                    _pending.RemoveRange(_boundary, _pending.Count - _boundary);
                    _mustMatchOne.RemoveRange(_boundary, _mustMatchOne.Count - _boundary);
                    await CommitAsync(ct);
                }
                throw new PgMoveException(ExitCode.StepFailed, stop.Message);
        }
    }

    async Task AddAsync(NpgsqlBatchCommand command, bool mustMatchOne, CancellationToken ct)
    {
        _transaction ??= await target.BeginTransactionAsync(ct);
        _pending.Add(command);
        _mustMatchOne.Add(mustMatchOne);
        _groupChanges++;
        if (_pending.Count >= StatementsPerRoundTrip)
        {
            _partialFlushed = true;
            await FlushAsync(ct);
            _boundary = 0;
        }
    }

    async Task FlushAsync(CancellationToken ct)
    {
        if (_pending.Count == 0) return;
        await using var batch = new NpgsqlBatch(target, _transaction);
        foreach (var command in _pending) batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(ct);
        for (var i = 0; i < _pending.Count; i++)
            if (_mustMatchOne[i] && _pending[i].RecordsAffected == 0) progress.Missed++;
        _pending.Clear();
        _mustMatchOne.Clear();
        _boundary = 0;
    }

    /// <summary>Commits the group with its origin position, then tells the source it may recycle that WAL.</summary>
    async Task CommitAsync(CancellationToken ct)
    {
        var last = _lastCommit!;
        _transaction ??= await target.BeginTransactionAsync(ct);
        // Every group moves the origin, also one that wrote nothing (the cutover's fence, or UPDATEs that matched no
        // row): that needs a commit record, which only a transaction with an xid writes.
        _pending.Add(new NpgsqlBatchCommand("SELECT txid_current()"));
        _mustMatchOne.Add(false);
        _pending.Add(new NpgsqlBatchCommand("SELECT pg_replication_origin_xact_setup($1, $2)")
        {
            Parameters = { new() { Value = last.EndLsn, NpgsqlDbType = NpgsqlDbType.PgLsn }, new() { Value = last.CommitTime, NpgsqlDbType = NpgsqlDbType.TimestampTz } },
        });
        _mustMatchOne.Add(false);
        await FlushAsync(ct);
        await _transaction.CommitAsync(ct);
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
