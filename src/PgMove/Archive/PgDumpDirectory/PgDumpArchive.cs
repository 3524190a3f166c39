using System.IO.Compression;
using PgMove.Errors;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>
/// A directory written by <c>pg_dump --format=directory</c>: its TOC and its data files, found as pg_restore finds
/// them (the plain name, else with .gz, .lz4 or .zst) and read decompressed (gzip, lz4 frames, zstd).
/// </summary>
public sealed class PgDumpArchive
{
    PgDumpArchive(string directory, PgDumpToc toc)
    {
        Directory = directory;
        Toc = toc;
    }

    /// <summary>The archive directory.</summary>
    public string Directory { get; }

    /// <summary>The archive's table of contents.</summary>
    public PgDumpToc Toc { get; }

    /// <summary>Whether <paramref name="directory"/> looks like a pg_dump directory archive: a toc.dat, no pgmove manifest.</summary>
    /// <param name="directory">The archive directory.</param>
    public static bool IsPgDumpDirectory(string directory) =>
        File.Exists(Path.Combine(directory, PgDumpToc.FileName)) && !File.Exists(Path.Combine(directory, ArchiveManifest.FileName));

    /// <summary>Reads the archive's TOC.</summary>
    /// <param name="directory">The archive directory.</param>
    /// <param name="ct">Stops the read.</param>
    public static async Task<PgDumpArchive> OpenAsync(string directory, CancellationToken ct)
    {
        var path = Path.Combine(directory, PgDumpToc.FileName);
        return new PgDumpArchive(directory, PgDumpToc.Parse(await File.ReadAllBytesAsync(path, ct), path));
    }

    /// <summary>The file holding an entry's data, with its compression suffix; refuses, naming it, a missing one.</summary>
    /// <param name="entry">A data entry (TABLE DATA…).</param>
    public string DataFile(TocEntry entry)
    {
        var name = entry.FileName ?? throw new PgMoveException(ExitCode.ArchiveDamaged,
            $"archive {Directory}: entry {entry.DumpId} ({entry.Desc} {entry.Namespace}.{entry.Tag}) names no data file");
        var plain = Path.Combine(Directory, name);
        foreach (var candidate in new[] { plain, plain + ".gz", plain + ".lz4", plain + ".zst" })
            if (File.Exists(candidate)) return candidate;
        throw new PgMoveException(ExitCode.ArchiveDamaged,
            $"archive file {plain}{Suffix(Toc.Compression)} is missing (data of {entry.Namespace}.{entry.Tag}); nothing was restored from it");
    }

    static string Suffix(DumpCompression compression) => compression switch
    {
        DumpCompression.Gzip => ".gz",
        DumpCompression.Lz4 => ".lz4",
        DumpCompression.Zstd => ".zst",
        _ => "",
    };

    /// <summary>Opens a table's rows: its data file, decompressed, without pg_dump's end-of-data line.</summary>
    /// <param name="entry">The TABLE DATA entry.</param>
    public Stream OpenRows(TocEntry entry)
    {
        var path = DataFile(entry);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Stream decompressed = Path.GetExtension(path) switch
        {
            ".gz" => new GZipStream(file, CompressionMode.Decompress),
            ".zst" => new ZstdSharp.DecompressionStream(file, leaveOpen: false),
            ".lz4" => K4os.Compression.LZ4.Streams.LZ4Stream.Decode(file, leaveOpen: false),
            _ => file,
        };
        return new CopyDataStream(decompressed, path);
    }
}
