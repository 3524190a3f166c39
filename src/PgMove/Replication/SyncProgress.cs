using NpgsqlTypes;

namespace PgMove.Replication;

/// <summary>Counters of the apply, shared by the applier (writer) and the state-file timer (reader).</summary>
internal sealed class SyncProgress
{
    readonly Lock _lock = new();
    readonly Queue<(DateTime At, long Changes)> _window = new();
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
            Transactions += transactions;
            Changes += changes;
        }
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
