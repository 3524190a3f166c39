using PgMove.Schema;

namespace PgMove.Tests.Schema;

public sealed class PreDataSegmentsTests
{
    [Fact]
    public void Runs_cover_every_line_once_grow_from_100_to_800_tables_and_keep_what_follows_a_table_with_it()
    {
        // A list: a header line, then 3,000 tables each followed by a comment line, then 50 trailing lines (defaults).
        var lines = new List<uint?> { null };
        for (uint t = 1; t <= 3000; t++) lines.AddRange([t, null]);
        lines.AddRange(Enumerable.Repeat<uint?>(null, 50));

        var runs = PreDataSegments.Cut(lines);

        Assert.Equal([100, 200, 400, 800, 800, 700], runs.Select(r => r.Tables.Count));
        Assert.Equal(0, runs[0].Start);
        Assert.Equal(lines.Count, runs[^1].End);
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.Equal(runs[i - 1].End, runs[i].Start);
            Assert.Equal(runs[i].Tables[0], lines[runs[i].Start]); // a run starts at its first table's line
            Assert.Null(lines[runs[i].Start - 1]);                  // the previous table's comment stayed behind it
        }
        Assert.Equal(Enumerable.Range(1, 3000).Select(t => (uint)t), runs.SelectMany(r => r.Tables));
    }

    [Fact]
    public void A_list_without_tables_is_one_run()
    {
        var run = Assert.Single(PreDataSegments.Cut([null, null]));
        Assert.Equal((0, 2), (run.Start, run.End));
        Assert.Empty(run.Tables);
    }
}
