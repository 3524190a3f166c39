using PgMove.Planning;

namespace PgMove.Tests.Planning;

/// <summary>The worker slots shared by the databases of <c>copy --all-databases</c> (pure logic).</summary>
public sealed class WorkerGateTests
{
    [Fact]
    public async Task A_freed_worker_goes_to_the_waiting_item_with_the_longest_chain_whatever_the_arrival_order()
    {
        var gate = new WorkerGate(2);
        var (a, b) = (await gate.EnterAsync(1, CancellationToken.None), await gate.EnterAsync(1, CancellationToken.None));
        Assert.Equal([1, 2], new[] { a, b }.Order());
        var small = gate.EnterAsync(10, CancellationToken.None);
        var big = gate.EnterAsync(500, CancellationToken.None);
        var middle = gate.EnterAsync(100, CancellationToken.None);
        Assert.False(small.IsCompleted || big.IsCompleted || middle.IsCompleted); // no third worker

        gate.Leave(a);
        Assert.Equal(a, await big.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(small.IsCompleted || middle.IsCompleted);
        gate.Leave(b);
        Assert.Equal(b, await middle.WaitAsync(TimeSpan.FromSeconds(5)));
        gate.Leave(a);
        Assert.Equal(a, await small.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_cancelled_wait_gives_up_its_place_and_the_worker_goes_to_the_next()
    {
        var gate = new WorkerGate(1);
        var held = await gate.EnterAsync(0, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(1000, cancel.Token);
        var next = gate.EnterAsync(1, CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Leave(held);
        Assert.Equal(held, await next.WaitAsync(TimeSpan.FromSeconds(5)));
        gate.Leave(held);
        Assert.Equal(held, await gate.EnterAsync(0, CancellationToken.None)); // free again, taken at once
    }
}
