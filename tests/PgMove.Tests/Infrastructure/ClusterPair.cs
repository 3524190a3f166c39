namespace PgMove.Tests.Infrastructure;

/// <summary>One source and one target cluster shared by every test of the "clusters" collection.</summary>
public sealed class ClusterPair : IAsyncLifetime
{
    public PostgresCluster Source { get; private set; } = null!;
    public PostgresCluster Target { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Source = await PostgresCluster.StartAsync("source");
        Target = await PostgresCluster.StartAsync("target");
    }

    public async Task DisposeAsync()
    {
        await Source.DisposeAsync();
        await Target.DisposeAsync();
    }
}

[CollectionDefinition("clusters")]
public sealed class ClusterCollection : ICollectionFixture<ClusterPair>;
