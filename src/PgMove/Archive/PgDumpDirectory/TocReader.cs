using System.Text;
using PgMove.Errors;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>
/// pg_dump's archive primitives over a byte array: ReadInt (a sign byte, then IntSize bytes, least significant
/// first) and ReadStr (a length, -1 for null, then that many bytes).
/// </summary>
internal sealed class TocReader(byte[] bytes, string source)
{
    int _position;

    /// <summary>The archive version, once the header has been read (MAKE_ARCHIVE_VERSION).</summary>
    public int Version { get; set; }

    /// <summary>Bytes per integer, from the header.</summary>
    public int IntSize { get; set; } = 4;

    /// <summary>Whether every byte was read.</summary>
    public bool AtEnd => _position == bytes.Length;

    public byte Byte() => _position < bytes.Length ? bytes[_position++] : throw Damaged("it ends early");

    public byte[] Bytes(int count)
    {
        if (count < 0 || count > bytes.Length - _position) throw Damaged("it ends early");
        var result = bytes.AsSpan(_position, count).ToArray();
        _position += count;
        return result;
    }

    public int Int()
    {
        var negative = Byte() != 0;
        long value = 0;
        for (var i = 0; i < IntSize; i++) value |= (long)Byte() << (8 * i);
        if (value > int.MaxValue) throw Damaged($"integer {value} out of range");
        return negative ? -(int)value : (int)value;
    }

    public string? String()
    {
        var length = Int();
        return length < 0 ? null : Encoding.UTF8.GetString(Bytes(length));
    }

    public PgMoveException Damaged(string what) =>
        new(ExitCode.ArchiveDamaged, $"archive file {source} is damaged ({what} at byte {_position}); it cannot be restored");
}
