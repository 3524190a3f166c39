using System.Text;

namespace PgMove.Tests.Archive.PgDumpDirectory;

/// <summary>
/// Writes a toc.dat as pg_dump's WriteHead and WriteToc do, for the archive versions the pg_dump 15 here cannot
/// write (1.15: compression algorithm in the header; 1.16: relkind per entry) and for broken headers.
/// </summary>
internal sealed class TocWriter(int minor, int format = 3)
{
    readonly MemoryStream _out = new();

    public byte[] Write(int compression, params (int DumpId, string Desc, string Tag, string? Copy, string? File)[] entries)
    {
        _out.Write("PGDMP"u8);
        _out.Write([1, (byte)minor, 0, 4, 8, (byte)format]);
        if (minor >= 15) _out.WriteByte((byte)compression);
        else Int(compression);
        for (var i = 0; i < 7; i++) Int(i);
        Str("db");
        Str("17.2");
        Str("17.2");
        Int(entries.Length);
        foreach (var e in entries)
        {
            Int(e.DumpId);
            Int(e.Copy is null ? 0 : 1);
            Str("0");
            Str("16400");
            Str(e.Tag);
            Str(e.Desc);
            Int(e.Copy is null ? 2 : 3);
            Str("");
            Str("");
            Str(e.Copy);
            Str("public");
            Str(null);
            if (minor >= 14) Str("heap");
            if (minor >= 16) Int('r');
            Str("owner");
            Str("false");
            Str("1");
            Str("2");
            Str(null);
            Str(e.File);
        }
        return _out.ToArray();
    }

    void Int(int value)
    {
        _out.WriteByte(value < 0 ? (byte)1 : (byte)0);
        var magnitude = Math.Abs(value);
        for (var i = 0; i < 4; i++) _out.WriteByte((byte)(magnitude >> (8 * i)));
    }

    void Str(string? value)
    {
        if (value is null)
        {
            Int(-1);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        Int(bytes.Length);
        _out.Write(bytes);
    }
}
