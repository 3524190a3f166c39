using NpgsqlTypes;

namespace PgMove.Replication;

/// <summary>Counters of the apply, shared by the applier (writer) and the state-file timer (reader).</summary>
internal sealed class SyncProgress
{
    readonly Lock _lock = new();
    readonly Queue<(DateTime At, long Changes)> _window = new();
    readonly Queue<(NpgsqlLogSequenceNumber EndLsn, DateTime CommitTime)> _pending = new(); // received, not yet applied
    long _missed;

    public NpgsqlLogSequenceNumber? AppliedLsn { get; private set; }
    public DateTime? AppliedCommitTime { get; private set; }
    public long Transactions { get; private set; }
    public long Changes { get; private set; }

    /// <summary>UPDATEs and DELETEs that found no row on the target (the row was missing: the target was changed by hand).</summary>
    public long Missed
    {
        get => Interlocked.Read(ref _missed);
        set => Interlocked.Exchange(ref _missed, value);
    }

    public void Applied(NpgsqlLogSequenceNumber lsn, DateTime commitTime, long transactions, long changes)
    {
        lock (_lock)
        {
            AppliedLsn = lsn;
            AppliedCommitTime = commitTime;
            while (_pending.TryPeek(out var p) && p.EndLsn <= lsn) _pending.Dequeue();
            Transactions += transactions;
            Changes += changes;
        }
    }

    /// <summary>The reader handed over a source transaction (its commit) to apply.</summary>
    public void Received(NpgsqlLogSequenceNumber endLsn, DateTime commitTime)
    {
        lock (_lock) _pending.Enqueue((endLsn, commitTime));
    }

    /// <summary>Source commit time of the oldest transaction received and not yet applied; null when none waits.</summary>
    public DateTime? OldestPending
    {
        get { lock (_lock) return _pending.TryPeek(out var p) ? p.CommitTime : null; }
    }

    /// <summary>Nothing to apply; the source's position moved past the last commit.</summary>
    public void Idle(NpgsqlLogSequenceNumber lsn)
    {
        lock (_lock) AppliedLsn = lsn;
    }

    /// <summary>The state as of now, with the apply rate over the last ten seconds.</summary>
    public SyncState Into(SyncState state)
    {
        lock (_lock)
        {
            var now = DateTime.UtcNow;
            _window.Enqueue((now, Changes));
            while (_window.Count > 1 && now - _window.Peek().At > TimeSpan.FromSeconds(10)) _window.Dequeue();
            var (at, changes) = _window.Peek();
            var seconds = (now - at).TotalSeconds;
            return state with
            {
                AppliedLsn = AppliedLsn?.ToString(),
                AppliedCommitTime = AppliedCommitTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
                Transactions = Transactions,
                Changes = Changes,
                ChangesPerSecond = seconds > 0 ? Math.Round((Changes - changes) / seconds, 1) : 0,
            };
        }
    }
}
