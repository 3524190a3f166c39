namespace PgMove.Schema;

/// <summary>
/// Cuts the pre-data of one tables' piece into consecutive runs of its archive list, each restored by a pg_restore of
/// its own, so that the rows of the first tables load while the next are still being created (a piece of 2,000 tables
/// took 3 s to restore before any row moved). pg_dump lists entries in an order where everything comes after what it
/// depends on, so every prefix of the list restores on its own, and so does each run after the ones before it.
/// The runs grow (100 tables, 200, 400, then 800 at most): the first rows move early, and each pg_restore, which
/// reads the whole archive's table of contents and opens a session, is paid for a few hundred tables.
/// </summary>
public static class PreDataSegments
{
    /// <summary>The tables of the first run; each next run holds twice as many, up to <see cref="LargestTables"/>.</summary>
    public const int FirstTables = 100;

    /// <summary>The most tables in one run.</summary>
    public const int LargestTables = 800;

    /// <summary>One run: list lines [Start, End) and the tables whose CREATE TABLE it holds.</summary>
    /// <param name="Start">The first line of the run.</param>
    /// <param name="End">One past its last line.</param>
    /// <param name="Tables">The OIDs of the tables it creates.</param>
    public sealed record Segment(int Start, int End, IReadOnlyList<uint> Tables);

    /// <summary>
    /// Cuts <paramref name="lines"/> (the archive list, one element per line: the table the line creates, if it creates
    /// one of the piece's tables) into runs, each ending just before the line that creates the first table of the next
    /// run, so that a table's comments and privileges, listed right after it, stay in its run.
    /// </summary>
    /// <param name="lines">Per line of the list, the OID of the table it creates, or null.</param>
    public static IReadOnlyList<Segment> Cut(IReadOnlyList<uint?> lines)
    {
        var segments = new List<Segment>();
        var (start, size) = (0, FirstTables);
        var tables = new List<uint>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { } table) continue;
            if (tables.Count == size)
            {
                segments.Add(new Segment(start, i, tables));
                (start, size, tables) = (i, Math.Min(size * 2, LargestTables), []);
            }
            tables.Add(table);
        }
        segments.Add(new Segment(start, lines.Count, tables));
        return segments;
    }
}
