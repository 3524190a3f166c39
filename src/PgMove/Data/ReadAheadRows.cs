using Npgsql;

namespace PgMove.Data;

/// <summary>
/// A small table's COPY rows read ahead of its load (<see cref="SmallTablesItem"/>): in memory up to a cap, and past it
/// the source's COPY still open, read on by the loader. A table is small by its size on disk, but compressed TOAST
/// values can make its COPY many times that: the cap keeps the read-ahead's memory bounded whatever the data.
/// While the COPY is open its session can run nothing else: the reader waits for <see cref="Closed"/>.
/// </summary>
internal sealed class ReadAheadRows : Stream
{
    readonly MemoryStream _head;
    readonly NpgsqlRawCopyStream? _rest;
    readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    bool _restEnded;
    int _disposed;

    ReadAheadRows(MemoryStream head, NpgsqlRawCopyStream? rest)
    {
        _head = head;
        _rest = rest;
    }

    /// <summary>The source's COPY is still open: the rows past the cap are read from it.</summary>
    public bool Live => _rest is not null;

    /// <summary>Completes once the rows are disposed (for a live COPY: ended or cancelled, its session free again).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Reads the rows of <paramref name="export"/> into memory up to <paramref name="cap"/> bytes; past that, keeps it open.</summary>
    /// <param name="export">A COPY … TO STDOUT just started.</param>
    /// <param name="cap">The most bytes kept in memory.</param>
    /// <param name="ct">Stops the read (the COPY is then cancelled).</param>
    public static async Task<ReadAheadRows> ReadAsync(NpgsqlRawCopyStream export, int cap, CancellationToken ct)
    {
        var head = new MemoryStream();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while (head.Length < cap && (n = await export.ReadAsync(buffer, ct)) > 0) head.Write(buffer, 0, n);
            head.Position = 0;
            if (head.Length < cap)
            {
                await export.DisposeAsync();
                return new ReadAheadRows(head, null);
            }
            return new ReadAheadRows(head, export);
        }
        catch
        {
            await CancelQuietlyAsync(export);
            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _head.Read(buffer);
        if (n > 0 || _rest is null || _restEnded) return n;
        n = _rest.Read(buffer);
        _restEnded = n == 0;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = _head.Read(buffer.Span);
        if (n > 0 || _rest is null || _restEnded) return n;
        n = await _rest.ReadAsync(buffer, ct);
        _restEnded = n == 0;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    /// <summary>
    /// Cancels the source's COPY when it is still open and unread (an interrupted run): a load blocked reading it
    /// from a stalled source then ends.
    /// </summary>
    public Task CancelAsync() => _rest is not null && !_restEnded ? CancelQuietlyAsync(_rest) : Task.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_rest is not null)
        {
            // Read to its end, the COPY has completed; otherwise it is cancelled (an interrupted or failed load).
            if (!_restEnded) await CancelQuietlyAsync(_rest);
            else await _rest.DisposeAsync();
        }
        _closed.TrySetResult();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    static async Task CancelQuietlyAsync(NpgsqlRawCopyStream stream)
    {
        try
        {
            await stream.CancelAsync();
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or OperationCanceledException)
        {
            // The session is being torn down anyway; its transaction rolls back with it.
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
