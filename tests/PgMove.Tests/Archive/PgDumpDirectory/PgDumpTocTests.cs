using PgMove.Archive.PgDumpDirectory;
using PgMove.Errors;

namespace PgMove.Tests.Archive.PgDumpDirectory;

/// <summary>The TOC reader, on real toc.dat files written by pg_dump 15 and on written ones for the other versions.</summary>
public sealed class PgDumpTocTests
{
    internal static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "Archive", "PgDumpDirectory", "TestData", name);

    static PgDumpToc Real(string name)
    {
        var path = Path.Combine(TestData(name), PgDumpToc.FileName);
        return PgDumpToc.Parse(File.ReadAllBytes(path), path);
    }

    [Fact]
    public void Reads_the_header_of_a_pg_dump_15_archive()
    {
        var toc = Real("pg15-gzip");
        Assert.Equal("1.14.0", toc.Version);
        Assert.Equal(DumpCompression.Gzip, toc.Compression);
        Assert.Equal("tocfix", toc.DatabaseName);
        Assert.StartsWith("15.", toc.ServerVersion);
        Assert.StartsWith("15.", toc.DumpVersion);
        Assert.Equal(DumpCompression.None, Real("pg15-plain").Compression);
    }

    [Fact]
    public void Reads_every_entry_with_its_oid_section_copy_statement_and_file()
    {
        var toc = Real("pg15-gzip");
        var data = toc.OfType("TABLE DATA").Single(e => e.Namespace == "Odd Schema");
        Assert.Equal("Weird \"name\"", data.Tag);
        Assert.Equal(TocSection.Data, data.Section);
        Assert.Equal("COPY \"Odd Schema\".\"Weird \"\"name\"\"\" (id, \"Col, one\", plain) FROM stdin;\n", data.CopyStatement);
        Assert.Equal($"{data.DumpId}.dat", data.FileName);
        var table = toc.OfType("TABLE").Single(e => e.Tag == "Weird \"name\"");
        Assert.Equal((1259u, table.Oid), (table.CatalogOid, table.Oid));
        Assert.Equal(table.Oid, data.Oid);
        Assert.Contains(table.DumpId, data.Dependencies);
        Assert.Equal("postgres", table.Owner);
        Assert.StartsWith("CREATE TABLE \"Odd Schema\".\"Weird \"\"name\"\"\"", table.Definition);

        var fk = toc.OfType("FK CONSTRAINT").Single();
        Assert.Equal(("child child_parent_id_fkey", 2606u, TocSection.PostData), (fk.Tag, fk.CatalogOid, fk.Section));
        Assert.Equal(["child_parent"], toc.OfType("INDEX").Select(e => e.Tag));
        Assert.Equal(4, toc.OfType("CONSTRAINT").Count());
        Assert.Equal("blobs.toc", toc.OfType("BLOBS").Single().FileName);
        Assert.Null(table.FileName);
        Assert.Single(toc.OfType("SEQUENCE SET"));
    }

    [Theory]
    [InlineData(15, 3, DumpCompression.Zstd)]
    [InlineData(15, 2, DumpCompression.Lz4)]
    [InlineData(16, 1, DumpCompression.Gzip)]
    [InlineData(16, 0, DumpCompression.None)]
    [InlineData(14, 0, DumpCompression.None)]
    [InlineData(14, -1, DumpCompression.Gzip)]
    [InlineData(12, 6, DumpCompression.Gzip)]
    public void Reads_the_versions_pg_dump_12_to_18_write(int minor, int compression, DumpCompression expected)
    {
        var bytes = new TocWriter(minor).Write(compression,
            (7, "TABLE DATA", "t", "COPY public.t (a) FROM stdin;\n", "7.dat"), (8, "TABLE", "t", null, null));
        var toc = PgDumpToc.Parse(bytes, "toc.dat");
        Assert.Equal($"1.{minor}.0", toc.Version);
        Assert.Equal(expected, toc.Compression);
        Assert.Equal(["TABLE DATA", "TABLE"], toc.Entries.Select(e => e.Desc));
        Assert.Equal(("7.dat", 16400u), (toc.Entries[0].FileName, toc.Entries[0].Oid));
        Assert.Equal([1, 2], toc.Entries[0].Dependencies);
        Assert.Null(toc.Entries[1].FileName);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(17)]
    public void Refuses_an_archive_version_it_cannot_read(int minor)
    {
        var bytes = new TocWriter(minor).Write(0);
        var e = Assert.Throws<PgMoveException>(() => PgDumpToc.Parse(bytes, "/x/toc.dat"));
        Assert.Equal(ExitCode.Incompatible, e.ExitCode);
        Assert.Contains($"archive version 1.{minor}.0", e.Message);
        Assert.Contains("/x/toc.dat", e.Message);
    }

    [Fact]
    public void Refuses_a_custom_format_toc_and_an_unknown_compression()
    {
        Assert.Equal(ExitCode.Incompatible, Assert.Throws<PgMoveException>(() => PgDumpToc.Parse(new TocWriter(14, format: 1).Write(0), "t")).ExitCode);
        var unknown = Assert.Throws<PgMoveException>(() => PgDumpToc.Parse(new TocWriter(16).Write(9), "t"));
        Assert.Contains("unknown compression algorithm 9", unknown.Message);
    }

    [Fact]
    public void A_cut_or_foreign_file_is_damaged_and_named()
    {
        var path = Path.Combine(TestData("pg15-gzip"), PgDumpToc.FileName);
        var bytes = File.ReadAllBytes(path);
        var cut = Assert.Throws<PgMoveException>(() => PgDumpToc.Parse(bytes.AsSpan(0, bytes.Length - 40), path));
        Assert.Equal(ExitCode.ArchiveDamaged, cut.ExitCode);
        Assert.Contains(path, cut.Message);
        Assert.Contains("ends early", cut.Message);
        var foreign = Assert.Throws<PgMoveException>(() => PgDumpToc.Parse("PK\u0003\u0004 not a dump"u8, path));
        Assert.Equal(ExitCode.ArchiveDamaged, foreign.ExitCode);
        Assert.Contains("not a pg_dump archive", foreign.Message);
    }
}
