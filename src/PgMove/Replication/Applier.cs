using System.Threading.Channels;
using Npgsql;
using Npgsql.Replication;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// Applies the changes to the target in source commit order, as a two-stage pipeline: this loop buffers the
/// changes and prepares each batch (per table, folded to one net change per key, COPY text rendered:
/// <see cref="PreparedBatch"/>) while the target session (<see cref="BatchWriter"/>) writes the previous one. The
/// session does one thing at a time, in order, so the target sees exactly the sequence a single loop would send.
/// Several source transactions share one target transaction (committed whenever the stream has nothing more ready,
/// or the group is large), and each target commit records the last source transaction's end LSN in the
/// replication origin, atomically with the data; the source is told only once that commit is durable. Changes are
/// written a batch at a time (also inside one big source transaction: bounds memory); a TRUNCATE splits the batch.
/// </summary>
internal sealed class Applier(NpgsqlConnection target, LogicalReplicationConnection source, ChangeReader reader, SyncProgress progress)
{
    /// <summary>Changes buffered before they are written (also inside one big source transaction): bounds memory.</summary>
    const int BufferedChanges = 25_000;
    /// <summary>At a transaction boundary with this many changes buffered, the group commits even if more are ready.</summary>
    const int ChangesPerCommit = 20_000;

    readonly List<Change> _buffer = [];
    readonly BatchWriter _writer = new(target, source, progress);
    Task _writing = Task.CompletedTask; // the session's current work: at most one batch is written while the next is prepared
    long _dequeued;
    int _groupTransactions;
    long _groupChanges;
    CommitChange? _lastCommit;
    int _boundary;        // _buffer entries up to here belong to complete source transactions
    bool _partialFlushed; // changes of the current, incomplete source transaction were written

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
            try { await _writing; }
            catch (Exception) { } // already thrown to the loop, or superseded by the loop's own error
            await _writer.DisposeAsync();
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
                var idle = !changes.TryPeek(out _);
                if (_buffer.Count >= ChangesPerCommit || idle) await CommitAsync(durable: idle || _writer.ConfirmDue, ct);
                break;
            case StopChange stop:
                // Keep what is complete when the incomplete transaction's changes were not written yet.
                if (_lastCommit is not null && !_partialFlushed)
                {
                    _buffer.RemoveRange(_boundary, _buffer.Count - _boundary);
                    await CommitAsync(durable: true, ct);
                }
                await _writing;
                throw new PgMoveException(ExitCode.StepFailed, stop.Message);
            default:
                _buffer.Add(change);
                _groupChanges++;
                if (_buffer.Count >= BufferedChanges)
                {
                    _partialFlushed = true;
                    await SubmitAsync(Prepare(), null, false, ct);
                }
                break;
        }
    }

    /// <summary>The buffered changes as batches, a TRUNCATE splitting them; the buffer is emptied.</summary>
    List<PreparedBatch> Prepare()
    {
        var batches = new List<PreparedBatch>();
        var start = 0;
        for (var i = 0; i <= _buffer.Count; i++)
        {
            if (i < _buffer.Count && _buffer[i] is not TruncateChange) continue;
            if (i > start) batches.Add(PreparedBatch.Of(_buffer.GetRange(start, i - start)));
            if (i < _buffer.Count) batches.Add(new PreparedBatch([_buffer[i]], [], (TruncateChange)_buffer[i]));
            start = i + 1;
        }
        _buffer.Clear();
        _boundary = 0;
        return batches;
    }

    async Task CommitAsync(bool durable, CancellationToken ct)
    {
        await SubmitAsync(Prepare(), (_lastCommit!, _groupTransactions, _groupChanges), durable, ct);
        _groupTransactions = 0;
        _groupChanges = 0;
        _lastCommit = null;
    }

    /// <summary>
    /// Hands prepared work to the target session once it finished the previous work (whose failure surfaces here),
    /// and returns while it is written: the next batch is prepared meanwhile.
    /// </summary>
    async Task SubmitAsync(List<PreparedBatch> batches, (CommitChange Last, int Transactions, long Changes)? commit, bool durable, CancellationToken ct)
    {
        await _writing;
        _writing = WriteAsync(batches, commit, durable, ct);
    }

    async Task WriteAsync(List<PreparedBatch> batches, (CommitChange Last, int Transactions, long Changes)? commit, bool durable, CancellationToken ct)
    {
        await Task.Yield(); // the loop goes on preparing
        if (batches.Count > 0) await _writer.WriteAsync(batches, ct);
        if (commit is var (last, transactions, count)) await _writer.CommitAsync(last, transactions, count, durable, ct);
    }

    /// <summary>
    /// Waits for more changes; while idle, confirms what the server has sent past the last commit (keepalives on a
    /// quiet database), so the slot does not pin WAL. Safe only when every change received is applied and durable
    /// and no transaction is half-read: read the position first, then check.
    /// </summary>
    async Task<bool> WaitAsync(ChannelReader<Change> changes, CancellationToken ct)
    {
        while (true)
        {
            var wait = changes.WaitToReadAsync(ct).AsTask();
            if (await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(1), ct)) == wait) return await wait;
            var received = source.LastReceivedLsn;
            if (!reader.InTransaction && reader.Enqueued == _dequeued && _buffer.Count == 0 && _writing.IsCompleted)
            {
                await _writing; // its failure surfaces here
                if (_writer.Settled && received > _writer.Acknowledged)
                {
                    _writer.Confirm(received);
                    progress.Idle(received);
                }
            }
        }
    }
}
