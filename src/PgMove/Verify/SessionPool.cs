using System.Collections.Concurrent;
using Npgsql;
using PgMove.Connections;

namespace PgMove.Verify;

/// <summary>
/// Sessions inside the two sides' snapshots, at most <c>jobs</c> busy per side, opened on first need and reused by
/// later items and later phases, so the snapshot import cost is paid once per session.
/// </summary>
internal sealed class SessionPool(SideSnapshot source, SideSnapshot target, int jobs) : IAsyncDisposable
{
    readonly ConcurrentBag<NpgsqlConnection> _idleSource = [];
    readonly ConcurrentBag<NpgsqlConnection> _idleTarget = [];
    readonly ConcurrentBag<NpgsqlConnection> _all = [];

    /// <summary>
    /// Runs each item on a session of its side: the two sides' items run at the same time, <c>jobs</c> at a time
    /// per side, in the enumeration's order.
    /// </summary>
    public Task RunPerSideAsync<T>(IReadOnlyList<T> items, Func<T, Side> sideOf,
        Func<NpgsqlConnection, T, CancellationToken, Task> body, CancellationToken ct) =>
        Task.WhenAll(new[] { Side.Source, Side.Target }.Select(side =>
            Parallel.ForEachAsync(items.Where(i => sideOf(i) == side), Options(ct), async (item, token) =>
            {
                var session = await RentAsync(side, token);
                try { await Releasing(side, session, () => body(session, item, token), token); }
                finally { Return(side, session); }
            })));

    /// <summary>Runs each item with one session of each side, <c>jobs</c> items at a time.</summary>
    public Task RunPairedAsync<T>(IEnumerable<T> items, Func<SessionPair, T, CancellationToken, Task> body, CancellationToken ct) =>
        Parallel.ForEachAsync(items, Options(ct), async (item, token) =>
        {
            var s = await RentAsync(Side.Source, token);
            try
            {
                var t = await RentAsync(Side.Target, token);
                try { await Releasing(Side.Source, s, () => Releasing(Side.Target, t, () => body(new SessionPair(s, t), item, token), token), token); }
                finally { Return(Side.Target, t); }
            }
            finally { Return(Side.Source, s); }
        });

    /// <summary>
    /// Runs one item's reads; when the side's tables are not all locked for the run, they release their locks when the
    /// item is done, so that no session piles up one lock per table it has read.
    /// </summary>
    Task Releasing(Side side, NpgsqlConnection session, Func<Task> reads, CancellationToken ct) =>
        (side == Side.Source ? source : target).LocksAll
            ? reads()
            : PgSession.ReleasingLocksAsync(session, async () => { await reads(); return true; }, ct);

    ParallelOptions Options(CancellationToken ct) => new() { MaxDegreeOfParallelism = jobs, CancellationToken = ct };

    async Task<NpgsqlConnection> RentAsync(Side side, CancellationToken ct)
    {
        if ((side == Side.Source ? _idleSource : _idleTarget).TryTake(out var idle)) return idle;
        var session = await (side == Side.Source ? source : target).OpenWorkerAsync(ct);
        _all.Add(session);
        return session;
    }

    void Return(Side side, NpgsqlConnection session) => (side == Side.Source ? _idleSource : _idleTarget).Add(session);

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _all) await session.DisposeAsync();
    }
}
