using System.IO.Compression;
using PgMove.Archive.PgDumpDirectory;
using PgMove.Errors;

namespace PgMove.Tests.Archive.PgDumpDirectory;

/// <summary>Data files of real pg_dump 15 archives: found, decompressed, stripped of the end-of-data line, damage named.</summary>
public sealed class PgDumpArchiveTests
{
    static async Task<PgDumpArchive> OpenAsync(string directory) => await PgDumpArchive.OpenAsync(directory, CancellationToken.None);

    static string Rows(PgDumpArchive archive, TocEntry entry)
    {
        using var rows = archive.OpenRows(entry);
        using var reader = new StreamReader(rows);
        return reader.ReadToEnd();
    }

    static TocEntry Weird(PgDumpArchive archive) => archive.Toc.OfType("TABLE DATA").Single(e => e.Namespace == "Odd Schema");

    /// <summary>A copy of a test archive that a test may damage.</summary>
    static string CopyOf(string name)
    {
        var copy = Path.Combine(Path.GetTempPath(), "pgmove-tests", "pgdump-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(PgDumpTocTests.TestData(name))) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    [Fact]
    public async Task Gzip_and_plain_files_give_the_same_rows_without_the_end_of_data_line()
    {
        var gzip = await OpenAsync(PgDumpTocTests.TestData("pg15-gzip"));
        var plain = await OpenAsync(PgDumpTocTests.TestData("pg15-plain"));
        Assert.Equal("1\ta\\tb\t2\n2\t\\N\t3\n", Rows(gzip, Weird(gzip)));
        foreach (var entry in gzip.Toc.OfType("TABLE DATA"))
            Assert.Equal(Rows(plain, plain.Toc.Entries.Single(e => e.DumpId == entry.DumpId)), Rows(gzip, entry));
        Assert.EndsWith(".dat.gz", gzip.DataFile(Weird(gzip)));
        Assert.Equal(2, await PgDumpRows.CountAsync(gzip, Weird(gzip), CancellationToken.None));
    }

    [Fact]
    public async Task Zstd_files_are_read()
    {
        var directory = CopyOf("pg15-plain");
        foreach (var file in Directory.GetFiles(directory, "*.dat").Where(f => f != Path.Combine(directory, PgDumpToc.FileName)))
        {
            await using (var compressed = File.Create(file + ".zst"))
            await using (var output = new ZstdSharp.CompressionStream(compressed))
            await using (var input = File.OpenRead(file))
                await input.CopyToAsync(output);
            File.Delete(file);
        }
        var archive = await OpenAsync(directory);
        Assert.Equal("1\ta\\tb\t2\n2\t\\N\t3\n", Rows(archive, Weird(archive)));
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        var directory = CopyOf("pg15-gzip");
        var archive = await OpenAsync(directory);
        var file = archive.DataFile(Weird(archive));
        File.Delete(file);
        var e = Assert.Throws<PgMoveException>(() => archive.DataFile(Weird(archive)));
        Assert.Equal(ExitCode.ArchiveDamaged, e.ExitCode);
        Assert.Contains(file, e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Theory]
    [InlineData("pg15-gzip", 12)]
    [InlineData("pg15-gzip", 30)]
    [InlineData("pg15-plain", 3)]
    [InlineData("pg15-plain", 12)]
    public async Task A_cut_file_is_damaged_and_named(string name, int cut)
    {
        var directory = CopyOf(name);
        var archive = await OpenAsync(directory);
        var file = archive.DataFile(Weird(archive));
        await using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(stream.Length - cut);
        var e = Assert.Throws<PgMoveException>(() => Rows(archive, Weird(archive)));
        Assert.Equal(ExitCode.ArchiveDamaged, e.ExitCode);
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public async Task A_corrupt_gzip_file_is_damaged_and_named()
    {
        var directory = CopyOf("pg15-gzip");
        var archive = await OpenAsync(directory);
        var file = archive.DataFile(Weird(archive));
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[12] ^= 0xff;
        await File.WriteAllBytesAsync(file, bytes);
        var e = Assert.Throws<PgMoveException>(() => Rows(archive, Weird(archive)));
        Assert.Equal(ExitCode.ArchiveDamaged, e.ExitCode);
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public async Task Lz4_files_are_read_and_a_corrupt_one_is_named()
    {
        // pg_dump 16+ writes LZ4 frames (LZ4F), as the lz4 tool does.
        var directory = CopyOf("pg15-plain");
        foreach (var file in Directory.GetFiles(directory, "*.dat").Where(f => f != Path.Combine(directory, PgDumpToc.FileName)))
        {
            PgMove.Tests.Infrastructure.PostgresCluster.Run("lz4", "-q", file, file + ".lz4");
            File.Delete(file);
        }
        var archive = await OpenAsync(directory);
        Assert.Equal("1\ta\\tb\t2\n2\t\\N\t3\n", Rows(archive, Weird(archive)));
        var path = archive.DataFile(Weird(archive));
        Assert.EndsWith(".dat.lz4", path);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^6] ^= 0xff;
        await File.WriteAllBytesAsync(path, bytes);
        var e = Assert.Throws<PgMoveException>(() => Rows(archive, Weird(archive)));
        Assert.Equal(ExitCode.ArchiveDamaged, e.ExitCode);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public async Task Rows_after_a_short_final_read_keep_every_byte()
    {
        // Long rows, read one byte at a time through the end: the withheld tail is given back in full.
        var rows = string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i}\tvalue {i}\n"));
        var bytes = System.Text.Encoding.UTF8.GetBytes(rows + "\\.\n\n\n");
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(bytes);
        var directory = CopyOf("pg15-plain");
        File.Delete(Path.Combine(directory, "3359.dat"));
        await File.WriteAllBytesAsync(Path.Combine(directory, "3359.dat.gz"), gz.ToArray());
        var archive = await OpenAsync(directory);
        using var stream = archive.OpenRows(Weird(archive));
        var read = new MemoryStream();
        var one = new byte[1];
        while (stream.Read(one) > 0) read.WriteByte(one[0]);
        Assert.Equal(rows, System.Text.Encoding.UTF8.GetString(read.ToArray()));
    }

    [Fact]
    public async Task An_empty_table_file_holds_only_the_end_of_data_line()
    {
        var directory = CopyOf("pg15-plain");
        var archive = await OpenAsync(directory);
        await File.WriteAllTextAsync(archive.DataFile(Weird(archive)), "\\.\n\n\n");
        Assert.Equal("", Rows(archive, Weird(archive)));
        await File.WriteAllTextAsync(archive.DataFile(Weird(archive)), "");
        Assert.Equal(ExitCode.ArchiveDamaged, Assert.Throws<PgMoveException>(() => Rows(archive, Weird(archive))).ExitCode);
        // A row that merely ends in backslash-dot is a row, and without the end line after it the file is cut.
        await File.WriteAllTextAsync(archive.DataFile(Weird(archive)), "1\tx\\.\n");
        Assert.Equal(ExitCode.ArchiveDamaged, Assert.Throws<PgMoveException>(() => Rows(archive, Weird(archive))).ExitCode);
    }
}
