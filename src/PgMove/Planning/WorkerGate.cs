namespace PgMove.Planning;

/// <summary>
/// Worker slots shared by several schedulers (one per database of <c>copy --all-databases</c>): at most N items run
/// at once over all of them, and a freed slot goes to the waiting item heading the longest chain of remaining work,
/// whichever database it belongs to. So the databases' plans drain as one queue, biggest work first.
/// </summary>
public sealed class WorkerGate
{
    readonly object _lock = new();
    readonly Stack<int> _free;
    readonly List<(long Rank, long Order, TaskCompletionSource<int> Waiter)> _waiting = [];
    long _order;

    /// <summary>A gate of <paramref name="slots"/> workers, numbered 1..slots.</summary>
    /// <param name="slots">The workers shared by every scheduler (--jobs).</param>
    public WorkerGate(int slots) => _free = new Stack<int>(Enumerable.Range(1, slots).Reverse());

    /// <summary>Waits for a free worker; the highest <paramref name="rank"/> is served first (ties: first come).</summary>
    /// <param name="rank">The item's chain cost.</param>
    /// <param name="ct">Cancels the wait.</param>
    public async Task<int> EnterAsync(long rank, CancellationToken ct)
    {
        TaskCompletionSource<int> waiter;
        lock (_lock)
        {
            if (_free.Count > 0 && _waiting.Count == 0) return _free.Pop();
            waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((rank, _order++, waiter));
        }
        await using (ct.Register(() => Cancel(waiter)))
            return await waiter.Task;
    }

    /// <summary>Hands the worker to the best waiting item, or frees it.</summary>
    /// <param name="worker">The worker <see cref="EnterAsync"/> returned.</param>
    public void Leave(int worker)
    {
        lock (_lock)
        {
            while (_waiting.Count > 0)
            {
                var best = _waiting.MaxBy(w => (w.Rank, -w.Order));
                _waiting.Remove(best);
                if (best.Waiter.TrySetResult(worker)) return;
            }
            _free.Push(worker);
        }
    }

    void Cancel(TaskCompletionSource<int> waiter)
    {
        lock (_lock)
        {
            var index = _waiting.FindIndex(w => w.Waiter == waiter);
            if (index < 0) return; // already served: the caller leaves the worker it got
            _waiting.RemoveAt(index);
        }
        waiter.TrySetCanceled();
    }
}
