namespace PgMove.Indexes;

/// <summary>
/// The maintenance_work_mem the index builds of a copy share. Each build takes, when it starts, what its sort is
/// expected to need out of what the builds running beside it leave, so the biggest index, which is usually built
/// while the other workers still copy rows or build small indexes, sorts in memory instead of spilling to
/// temporary files (the bench's 10M-row primary key: 784 MB in memory; with 512 MB it spilled and took 15 % longer).
/// A build never gets less than the server's own setting, nor more than <c>cap</c>. It is charged only what it is
/// expected to use, since a sort allocates as it goes, not its whole setting up front.
/// </summary>
public sealed class SortMemoryBudget(long total, long floor, long cap)
{
    readonly Lock _lock = new();
    long _charged;

    /// <summary>The server's maintenance_work_mem: what a build gets when the budget is spent.</summary>
    public long Floor => floor;

    /// <summary>A share for one build, sized from what it is expected to need; dispose it when the build ends.</summary>
    public Share Take(long expectedBytes)
    {
        lock (_lock)
        {
            var granted = Math.Clamp(Math.Min(expectedBytes, total - _charged), floor, Math.Max(cap, floor));
            var charged = Math.Min(granted, Math.Max(expectedBytes, 0));
            _charged += charged;
            return new Share(this, granted, charged);
        }
    }

    /// <summary>Sort memory a source index of <paramref name="indexBytes"/> is expected to need when rebuilt:
    /// a sort holds each entry with about three times its on-disk size in overhead.</summary>
    public static long ExpectedFor(long indexBytes) => 4 * Math.Max(indexBytes, 0);

    void Release(long charged)
    {
        lock (_lock) _charged -= charged;
    }

    /// <summary>One build's maintenance_work_mem.</summary>
    public sealed class Share : IDisposable
    {
        readonly SortMemoryBudget _budget;
        readonly long _charged;
        bool _released;

        internal Share(SortMemoryBudget budget, long bytes, long charged) => (_budget, Bytes, _charged) = (budget, bytes, charged);

        public long Bytes { get; }

        /// <summary>The SET statement that gives a session this share.</summary>
        public string SetStatement => $"SET maintenance_work_mem = '{Bytes >> 10}kB'";

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            _budget.Release(_charged);
        }
    }
}
