using System.Collections.Concurrent;

namespace PgMove.Verify;

/// <summary>
/// Runs work items on at most <c>jobs</c> workers, each with a <see cref="SessionPair"/> opened on first need and
/// reused by later items and later phases, so the snapshot import cost is paid once per worker.
/// </summary>
internal sealed class SessionPool(SideSnapshot source, SideSnapshot target, int jobs) : IAsyncDisposable
{
    readonly ConcurrentBag<SessionPair> _idle = [];
    readonly ConcurrentBag<SessionPair> _all = [];

    /// <summary>Runs <paramref name="body"/> for every item, in order of the enumeration as workers free up.</summary>
    public Task RunAsync<T>(IEnumerable<T> items, Func<SessionPair, T, CancellationToken, Task> body, CancellationToken ct) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = ct },
            async (item, token) =>
            {
                var pair = _idle.TryTake(out var idle) ? idle : await OpenAsync(token);
                try { await body(pair, item, token); }
                finally { _idle.Add(pair); }
            });

    async Task<SessionPair> OpenAsync(CancellationToken ct)
    {
        var s = await source.OpenWorkerAsync(ct);
        try
        {
            var pair = new SessionPair(s, await target.OpenWorkerAsync(ct));
            _all.Add(pair);
            return pair;
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pair in _all) await pair.DisposeAsync();
    }
}
