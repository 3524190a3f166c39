using PgMove.Catalog;
using PgMove.Data;
using PgMove.Errors;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>The rows of a pg_dump archive's tables: each table's data file, decompressed, in pg_dump's text COPY format.</summary>
/// <param name="archive">The archive.</param>
/// <param name="data">Each loaded table's TABLE DATA entry, by the table's OID in the archive.</param>
public sealed class PgDumpRows(PgDumpArchive archive, IReadOnlyDictionary<uint, TocEntry> data) : IRowSource
{
    public Task<Stream> OpenAsync(TableInfo table, CancellationToken ct) =>
        data.TryGetValue(table.Oid, out var entry)
            ? Task.FromResult(archive.OpenRows(entry))
            : throw new PgMoveException(ExitCode.ArchiveDamaged, $"archive {archive.Directory} has no data entry for table {table.DisplayName}");

    /// <summary>Reads a data file to its end, counting its rows: it decompresses and ends with pg_dump's end-of-data line.</summary>
    /// <param name="archive">The archive.</param>
    /// <param name="entry">A TABLE DATA entry.</param>
    /// <param name="ct">Stops the read between chunks.</param>
    public static async Task<long> CountAsync(PgDumpArchive archive, TocEntry entry, CancellationToken ct)
    {
        await using var rows = archive.OpenRows(entry);
        var counter = new CopyRowCounter(binary: false);
        var buffer = new byte[256 * 1024];
        int n;
        while ((n = await rows.ReadAsync(buffer, ct)) > 0) counter.Feed(buffer.AsSpan(0, n));
        return counter.Rows;
    }
}
