using PgMove.Indexes;

namespace PgMove.Tests.Indexes;

/// <summary>How index builds share maintenance_work_mem: by need, within the total, never below the server's own.</summary>
public sealed class SortMemoryBudgetTests
{
    const long MB = 1 << 20;

    [Fact]
    public void A_big_build_gets_what_it_needs_even_while_small_builds_run()
    {
        var budget = new SortMemoryBudget(total: 1024 * MB, floor: 64 * MB, cap: 2048 * MB);
        using var small1 = budget.Take(10 * MB);
        using var small2 = budget.Take(30 * MB);
        Assert.Equal(64 * MB, small1.Bytes); // the server's own setting at least
        Assert.Equal(64 * MB, small2.Bytes);

        using var big = budget.Take(900 * MB);
        Assert.Equal(900 * MB, big.Bytes); // small builds were charged their need (40 MB), not their 128 MB
    }

    [Fact]
    public void Concurrent_big_builds_split_the_total_and_get_the_floor_when_it_is_spent()
    {
        var budget = new SortMemoryBudget(total: 1024 * MB, floor: 64 * MB, cap: 2048 * MB);
        var first = budget.Take(800 * MB);
        Assert.Equal(800 * MB, first.Bytes);
        using (var second = budget.Take(800 * MB)) Assert.Equal(224 * MB, second.Bytes);
        using (var third = budget.Take(800 * MB)) Assert.Equal(224 * MB, third.Bytes); // the second's share came back
        using var fourth = budget.Take(800 * MB);
        using var fifth = budget.Take(800 * MB);
        Assert.Equal(224 * MB, fourth.Bytes);
        Assert.Equal(64 * MB, fifth.Bytes);

        first.Dispose();
        first.Dispose(); // idempotent: released once
        using var sixth = budget.Take(2000 * MB);
        Assert.Equal(1024 * MB - 224 * MB - 64 * MB, sixth.Bytes); // what the fourth and fifth leave
    }

    [Fact]
    public void No_build_gets_more_than_the_cap_or_the_total()
    {
        Assert.Equal(2048 * MB, new SortMemoryBudget(8192 * MB, 64 * MB, 2048 * MB).Take(5000 * MB).Bytes);
        Assert.Equal(512 * MB, new SortMemoryBudget(512 * MB, 64 * MB, 2048 * MB).Take(5000 * MB).Bytes);
        // A server setting above the cap wins: pgmove never lowers it.
        Assert.Equal(3072 * MB, new SortMemoryBudget(512 * MB, 3072 * MB, 2048 * MB).Take(1 * MB).Bytes);
    }
}
