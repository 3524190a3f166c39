using PgMove.Errors;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>
/// The rows of one pg_dump data file, decompressed, without the end-of-data line (<c>\.</c> and blank lines) that
/// pg_dump writes after the last row. A file that ends without that line was cut short; a file whose decompression
/// fails is damaged: both stop the read with an error naming the file.
/// </summary>
internal sealed class CopyDataStream(Stream inner, string path) : Stream
{
    const int Reserve = 8; // the marker line and what follows it, plus the newline before it
    readonly byte[] _buffer = new byte[256 * 1024];
    int _start, _end;
    bool _innerDone, _finished;
    byte _lastGiven = (byte)'\n';

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        while (true)
        {
            if (_finished || destination.Length == 0) return 0;
            var available = _end - _start - (_innerDone ? 0 : Reserve);
            if (_innerDone) return Finish(destination);
            if (available > 0) return Give(destination, Math.Min(available, destination.Length));
            Fill();
        }
    }

    void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            (_end, _start) = (_end - _start, 0);
        }
        int n;
        try
        {
            n = inner.Read(_buffer, _end, _buffer.Length - _end);
        }
        // Whatever a decompressor throws on bad input (InvalidDataException from gzip, ZstdException, lz4's argument
        // checks on a corrupt frame) and a failing disk mean the same: the file cannot be read.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new PgMoveException(ExitCode.ArchiveDamaged, $"archive file {path} is damaged ({e.Message}); nothing of its table was loaded", e);
        }
        if (n == 0) _innerDone = true;
        _end += n;
    }

    int Give(Span<byte> destination, int count)
    {
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        _lastGiven = destination[count - 1];
        return count;
    }

    /// <summary>At the end of the file: what precedes the marker line is rows; no marker line means a cut file.</summary>
    int Finish(Span<byte> destination)
    {
        var tail = _buffer.AsSpan(_start, _end - _start);
        var end = tail.Length;
        while (end > 0 && tail[end - 1] == '\n') end--;
        var marker = end - 2;
        var atLineStart = marker > 0 ? tail[marker - 1] == '\n' : marker == 0 && _lastGiven == '\n';
        if (marker < 0 || tail[marker] != '\\' || tail[marker + 1] != '.' || end == tail.Length || !atLineStart)
            throw new PgMoveException(ExitCode.ArchiveDamaged,
                $"archive file {path} is damaged: it ends without pg_dump's end-of-data line (truncated?); nothing of its table was loaded");
        if (marker == 0)
        {
            _finished = true;
            return 0;
        }
        var count = Math.Min(marker, destination.Length);
        return Give(destination, count);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
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
