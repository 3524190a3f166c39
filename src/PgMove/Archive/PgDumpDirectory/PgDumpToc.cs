using System.Text;
using PgMove.Errors;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>
/// The table of contents (toc.dat) of an archive written by <c>pg_dump --format=directory</c>: its header and
/// entries, read as pg_backup_archiver.c's ReadHead and ReadToc read them, plus the directory format's one extra field
/// per entry (its data file, pg_backup_directory.c's _ReadExtraToc). Archive versions 1.12 to 1.16 are read: what
/// pg_dump 9.0 to 18 write. A pure parser: no file system, no server.
/// </summary>
/// <param name="Version">The archive version, e.g. "1.14.0" (pg_dump 12 to 15) or "1.16.0" (17, 18).</param>
/// <param name="Compression">How the data files are compressed.</param>
/// <param name="DatabaseName">The dumped database's name.</param>
/// <param name="ServerVersion">The dumped server's version, e.g. "15.8 (Debian 15.8-1)".</param>
/// <param name="DumpVersion">The version of the pg_dump that wrote the archive.</param>
/// <param name="Entries">The entries, in the archive's order.</param>
public sealed record PgDumpToc(
    string Version,
    DumpCompression Compression,
    string DatabaseName,
    string ServerVersion,
    string DumpVersion,
    IReadOnlyList<TocEntry> Entries)
{
    /// <summary>The TOC file of a directory archive.</summary>
    public const string FileName = "toc.dat";

    // The directory format's toc.dat says archTar (3), whose TOC it shares (one file name per entry); archDirectory is 5.
    static readonly int[] DirectoryFormats = [3, 5];
    static readonly int Oldest = Make(1, 12), Newest = Make(1, 16);

    static int Make(int major, int minor, int rev = 0) => (major * 256 + minor) * 256 + rev;

    /// <summary>Parses a toc.dat; refuses, naming <paramref name="source"/>, what it cannot read.</summary>
    /// <param name="bytes">The whole content of toc.dat.</param>
    /// <param name="source">The file's path, for messages.</param>
    public static PgDumpToc Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var reader = new TocReader(bytes.ToArray(), source);
        if (reader.Bytes(5) is var magic && Encoding.ASCII.GetString(magic) != "PGDMP")
            throw new PgMoveException(ExitCode.ArchiveDamaged, $"{source} is not a pg_dump archive (no PGDMP header)");
        int major = reader.Byte(), minor = reader.Byte(), rev = reader.Byte();
        var version = Make(major, minor, rev);
        var versionText = $"{major}.{minor}.{rev}";
        if (version < Oldest || version > Make(1, 16, 255))
            throw new PgMoveException(ExitCode.Incompatible,
                $"{source}: archive version {versionText} is not one pgmove reads (1.12 to 1.16: pg_dump 9.0 to 18); restore it with pg_restore");
        reader.Version = version;
        reader.IntSize = reader.Byte();
        if (reader.IntSize is < 1 or > 8)
            throw new PgMoveException(ExitCode.ArchiveDamaged, $"{source} is damaged: integer size {reader.IntSize}");
        reader.Byte(); // offset size: only the custom format stores offsets
        var format = reader.Byte();
        if (!DirectoryFormats.Contains(format))
            throw new PgMoveException(ExitCode.Incompatible, $"{source} is not the TOC of a directory-format archive (format {format})");
        var compression = ReadCompression(reader, version, source);
        for (var i = 0; i < 7; i++) reader.Int(); // creation time: seconds, minutes, hours, day, month, year, DST
        var database = reader.String() ?? "";
        var serverVersion = reader.String() ?? "";
        var dumpVersion = reader.String() ?? "";
        var count = reader.Int();
        if (count < 0) throw new PgMoveException(ExitCode.ArchiveDamaged, $"{source} is damaged: {count} entries");
        var entries = new List<TocEntry>(count);
        for (var i = 0; i < count; i++) entries.Add(ReadEntry(reader));
        // A directory archive's toc.dat ends with its last entry: bytes left mean a wrong entry count or a misread.
        if (!reader.AtEnd) throw reader.Damaged($"bytes follow its {count} entries");
        return new PgDumpToc(versionText, compression, database, serverVersion, dumpVersion, entries);
    }

    static DumpCompression ReadCompression(TocReader reader, int version, string source)
    {
        if (version < Make(1, 15))
            return reader.Int() != 0 ? DumpCompression.Gzip : DumpCompression.None; // a zlib level, -1 for its default
        var algorithm = reader.Byte();
        return Enum.IsDefined((DumpCompression)algorithm)
            ? (DumpCompression)algorithm
            : throw new PgMoveException(ExitCode.Incompatible, $"{source}: unknown compression algorithm {algorithm}");
    }

    static TocEntry ReadEntry(TocReader reader)
    {
        var dumpId = reader.Int();
        if (dumpId <= 0) throw reader.Damaged($"entry ID {dumpId} out of range");
        reader.Int(); // had a data dumper
        var catalogOid = ParseOid(reader.String());
        var oid = ParseOid(reader.String());
        var tag = reader.String() ?? "";
        var desc = reader.String() ?? "";
        var section = reader.Int();
        if (section is < (int)TocSection.None or > (int)TocSection.PostData) throw reader.Damaged($"entry {dumpId} has section {section}");
        var definition = reader.String() ?? "";
        reader.String(); // DROP statement
        var copy = reader.String();
        var ns = reader.String();
        reader.String(); // tablespace
        if (reader.Version >= Make(1, 14)) reader.String(); // table access method
        if (reader.Version >= Make(1, 16)) reader.Int(); // relkind
        var owner = reader.String();
        reader.String(); // WITH OIDS, always false since PostgreSQL 12
        var dependencies = new List<int>();
        while (reader.String() is { } dependency)
            dependencies.Add(int.TryParse(dependency, out var id) ? id : throw reader.Damaged($"entry {dumpId} has dependency \"{dependency}\""));
        var file = reader.String();
        return new TocEntry(dumpId, catalogOid, oid, tag, desc, (TocSection)section, definition, copy, ns, owner, dependencies,
            string.IsNullOrEmpty(file) ? null : file);
    }

    static uint ParseOid(string? text) => uint.TryParse(text, out var oid) ? oid : 0;

    /// <summary>The entries of one type (TABLE, TABLE DATA, INDEX…).</summary>
    /// <param name="desc">The entry type.</param>
    public IEnumerable<TocEntry> OfType(string desc) => Entries.Where(e => e.Desc == desc);
}
