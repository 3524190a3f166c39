using System.Diagnostics;
using PgMove.Progress;

namespace PgMove.Planning;

/// <summary>
/// Runs a plan with N workers: an item starts once every item it depends on is done; among ready items the one
/// heading the longest chain of remaining work (its cost plus the costliest path through what waits on it) goes
/// first, so the critical path starts early and a tiny table that a big foreign key waits for is not left last. The first failure stops new work, cancels the running items and is rethrown,
/// so a run never goes on past a broken step. An item that only waits (<see cref="WorkItem.HoldsWorker"/> false)
/// takes no worker. Every state change is recorded in the <see cref="StateStore"/>.
/// </summary>
public sealed class Scheduler(int workers, StateStore store, IProgressSink sink)
{
    /// <summary>Worker slots shared with other schedulers (<c>copy --all-databases</c>); null: this run's own workers.</summary>
    public WorkerGate? Gate { get; init; }

    public async Task RunAsync(IReadOnlyList<WorkItem> items, WorkContext context, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pending = items.Where(i => i.State != WorkItemState.Done).ToList();
        var rank = ChainCosts(pending);
        var running = new Dictionary<Task, (WorkItem Item, int Worker)>();
        var freeWorkers = new Stack<int>(Enumerable.Range(1, workers).Reverse());
        Exception? failure = null;

        while (pending.Count > 0 || running.Count > 0)
        {
            while (failure is null && NextReady(pending, rank, freeWorkers.Count > 0) is { } item)
            {
                pending.Remove(item);
                var worker = item.HoldsWorker ? freeWorkers.Pop() : 0;
                running[RunItemAsync(item, worker, rank[item], context, stop.Token)] = (item, worker);
            }
            if (running.Count == 0)
            {
                if (failure is not null) break;
                throw new InvalidOperationException(
                    $"plan cannot progress: {string.Join(", ", pending.Select(p => p.Id))} wait on items that will never be done");
            }
            var finished = await Task.WhenAny(running.Keys);
            var (done, doneWorker) = running[finished];
            running.Remove(finished);
            if (done.HoldsWorker) freeWorkers.Push(doneWorker);
            if (failure is null && (finished.Exception?.GetBaseException() ?? Interruption(finished, ct)) is { } e)
            {
                failure = e;
                await stop.CancelAsync();
            }
        }
        foreach (var item in pending)
        {
            item.State = WorkItemState.Cancelled;
            store.Record(item);
        }
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>An interrupted run stops dispatching like a failed one; its items end cancelled, not failed.</summary>
    static OperationCanceledException? Interruption(Task finished, CancellationToken ct) =>
        finished.IsCanceled || ct.IsCancellationRequested ? new OperationCanceledException(ct) : null;

    /// <summary>The ready item heading the longest chain; with no free worker, only an item that needs none.</summary>
    static WorkItem? NextReady(List<WorkItem> pending, Dictionary<WorkItem, long> rank, bool freeWorker)
    {
        WorkItem? best = null;
        foreach (var item in pending)
            if ((freeWorker || !item.HoldsWorker) && item.Dependencies.All(d => d.State == WorkItemState.Done)
                && (best is null || rank[item] > rank[best]))
                best = item;
        return best;
    }

    /// <summary>Each item's cost plus the largest chain cost among the items that depend on it.</summary>
    static Dictionary<WorkItem, long> ChainCosts(List<WorkItem> items)
    {
        var dependents = items.ToDictionary(i => i, _ => new List<WorkItem>());
        foreach (var item in items)
            foreach (var dependency in item.Dependencies)
                if (dependents.TryGetValue(dependency, out var list)) list.Add(item);
        var rank = new Dictionary<WorkItem, long>();
        long Rank(WorkItem item)
        {
            if (rank.TryGetValue(item, out var known)) return known;
            var chain = item.Cost + dependents[item].Select(Rank).DefaultIfEmpty(0).Max();
            return rank[item] = chain;
        }
        foreach (var item in items) Rank(item);
        return rank;
    }

    async Task RunItemAsync(WorkItem item, int worker, long rank, WorkContext context, CancellationToken ct)
    {
        await Task.Yield();
        if (Gate is null || !item.HoldsWorker)
        {
            await RunItemOnAsync(item, worker, context, ct);
            return;
        }
        var shared = await Gate.EnterAsync(rank, ct);
        try
        {
            await RunItemOnAsync(item, shared, context, ct);
        }
        finally
        {
            Gate.Leave(shared);
        }
    }

    async Task RunItemOnAsync(WorkItem item, int worker, WorkContext context, CancellationToken ct)
    {
        item.State = WorkItemState.Running;
        item.StartedAt = DateTimeOffset.UtcNow;
        item.Worker = worker;
        store.Record(item, worker);
        sink.Report(new ItemStarted(item, worker));
        var clock = Stopwatch.StartNew();
        try
        {
            item.Result = await item.RunAsync(context, (rows, bytes) => sink.Report(new ItemProgressed(item, rows, bytes)), ct);
            item.State = WorkItemState.Done;
            item.FinishedAt = DateTimeOffset.UtcNow;
            store.Record(item, worker);
            sink.Report(new ItemFinished(item, worker, clock.Elapsed, item.Result.Rows, item.Result.Bytes, null));
        }
        catch (Exception e)
        {
            // A statement the interruption cancelled fails with the server's "canceling statement" error.
            item.State = e is OperationCanceledException || ct.IsCancellationRequested ? WorkItemState.Cancelled : WorkItemState.Failed;
            item.FinishedAt = DateTimeOffset.UtcNow;
            store.Record(item, worker, e.Message);
            sink.Report(new ItemFinished(item, worker, clock.Elapsed, 0, 0, e.Message));
            throw;
        }
    }
}
