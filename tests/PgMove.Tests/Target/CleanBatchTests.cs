using PgMove.Target;

namespace PgMove.Tests.Target;

/// <summary>--clean's DROP TABLE batches stay within a lock count, however the tables weigh (a partitioned table locks every partition).</summary>
public sealed class CleanBatchTests
{
    [Fact]
    public void Batches_are_cut_by_the_locks_their_tables_take_and_a_heavy_table_goes_alone()
    {
        var tables = Enumerable.Range(1, 450).Select(i => ($"\"s\".\"t{i}\"", 4))
            .Append(("\"s\".\"parted\"", 5000))
            .Append(("\"s\".\"last\"", 4));
        var batches = CleanPlan.DropBatches(tables).ToList();

        Assert.StartsWith("DROP TABLE IF EXISTS \"s\".\"t1\", ", batches[0]);
        Assert.EndsWith("\"s\".\"t250\" CASCADE", batches[0]);
        Assert.Equal(250, batches[0].Split(", ").Length);           // 250 × 4 = 1,000 locks
        Assert.Equal(200, batches[1].Split(", ").Length);
        Assert.Equal("DROP TABLE IF EXISTS \"s\".\"parted\" CASCADE", batches[2]);
        Assert.Equal("DROP TABLE IF EXISTS \"s\".\"last\" CASCADE", batches[3]);
        Assert.Equal(4, batches.Count);
    }
}
