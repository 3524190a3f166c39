using System.Diagnostics;
using PgMove.Data;

namespace PgMove.Archive;

/// <summary>The byte loop between a COPY stream and a file, counting rows as the copy's loader does.</summary>
static class StreamCopy
{
    const int BufferSize = 256 * 1024;
    /// <summary>Written on once the buffer holds this much: a COPY stream returns one row per read, and each write costs the compressor a call.</summary>
    const int WriteAt = BufferSize - 64 * 1024;
    static readonly long ProgressEveryTicks = Stopwatch.Frequency / 4;

    /// <summary>Copies everything from <paramref name="input"/> to <paramref name="output"/> with blocking calls; returns the rows.</summary>
    public static long Pump(Stream input, Stream output, bool binary, Action<long, long> progress)
    {
        var counter = new CopyRowCounter(binary);
        var buffer = new byte[BufferSize];
        long bytes = 0, lastReport = Stopwatch.GetTimestamp();
        int n, filled = 0, turns = 0;
        while ((n = input.Read(buffer, filled, buffer.Length - filled)) > 0)
        {
            counter.Feed(buffer.AsSpan(filled, n));
            filled += n;
            bytes += n;
            if (filled >= WriteAt)
            {
                output.Write(buffer, 0, filled);
                filled = 0;
            }
            if (++turns % 1024 == 0 && Stopwatch.GetTimestamp() - lastReport > ProgressEveryTicks)
            {
                progress(counter.Rows, bytes);
                lastReport = Stopwatch.GetTimestamp();
            }
        }
        output.Write(buffer, 0, filled);
        progress(counter.Rows, bytes);
        return counter.Rows;
    }
}
