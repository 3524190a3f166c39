using Npgsql;
using PgMove.Data;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Data;

/// <summary>
/// The row counts pgmove reports come from counting rows in the COPY stream as it passes. These feed the counter a
/// real server's COPY output, cut at random places (inside headers, lengths and values), and compare with count(*).
/// </summary>
[Collection("clusters")]
public sealed class CopyRowCounterTests(ClusterPair clusters)
{
    const string Db = "row_counter";

    [Theory]
    [InlineData("binary")]
    [InlineData("text")]
    public async Task Counts_every_row_whatever_the_chunk_boundaries(string format)
    {
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {Db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(Db);
        await clusters.Source.ExecuteAsync(Db, """
            CREATE TABLE t (id int, label text, payload bytea, note text);
            INSERT INTO t SELECT g,
              CASE WHEN g % 5 = 0 THEN NULL WHEN g % 7 = 0 THEN '' ELSE 'line ' || g || E'\nnext\\line' END,
              CASE WHEN g % 97 = 0 THEN decode(repeat('0a', 70000), 'hex') ELSE decode(md5(g::text), 'hex') END,
              CASE WHEN g % 3 = 0 THEN NULL ELSE repeat('x', g % 300) END
            FROM generate_series(1, 3000) g;
            CREATE TABLE no_columns ();
            INSERT INTO no_columns SELECT FROM generate_series(1, 17);
            """);

        foreach (var (table, expected) in new[] { ("t", 3000L), ("no_columns", 17L) })
        {
            var stream = await ReadCopyAsync(table, format);
            foreach (var seed in new[] { 1, 2, 3 })
                Assert.Equal(expected, CountInChunks(stream, format == "binary", new Random(seed)));
            Assert.Equal(expected, CountInChunks(stream, format == "binary", chunk: 1));
            Assert.Equal(expected, CountInChunks(stream, format == "binary", chunk: stream.Length));
        }
    }

    async Task<byte[]> ReadCopyAsync(string table, string format)
    {
        await using var connection = await clusters.Source.OpenAsync(Db);
        var sql = $"COPY {table} TO STDOUT (FORMAT {format})";
        // Text COPY has no raw API; the text reader's base stream is the same raw stream pgmove reads.
        await using var copy = format == "binary"
            ? await connection.BeginRawBinaryCopyAsync(sql)
            : ((StreamReader)await connection.BeginTextExportAsync(sql)).BaseStream;
        using var all = new MemoryStream();
        await copy.CopyToAsync(all);
        return all.ToArray();
    }

    static long CountInChunks(byte[] stream, bool binary, Random? random = null, int chunk = 0)
    {
        var counter = new CopyRowCounter(binary);
        for (var at = 0; at < stream.Length;)
        {
            var size = Math.Min(stream.Length - at, random?.Next(1, 700) ?? chunk);
            counter.Feed(stream.AsSpan(at, size));
            at += size;
        }
        return counter.Rows;
    }
}
