namespace PgMove.Tests.Infrastructure;

/// <summary>
/// One cluster per PostgreSQL major version, shared by every test of the "versions" collection and started on first
/// use (a test run that needs only two versions starts only two).
/// </summary>
public sealed class VersionServers : IAsyncLifetime
{
    readonly Dictionary<int, Task<PostgresCluster>> _clusters = [];
    readonly Dictionary<(int Major, string Dataset), Task<string>> _loaded = [];

    public Task<PostgresCluster> GetAsync(int major)
    {
        lock (_clusters)
        {
            if (!_clusters.TryGetValue(major, out var cluster))
                _clusters[major] = cluster = Task.Run(() => PostgresCluster.StartAsync($"v{major}", major: major));
            return cluster;
        }
    }

    /// <summary>Loads <paramref name="dataset"/> once into database "src_<paramref name="dataset"/>" of the
    /// <paramref name="major"/> server, for every test that copies it from there; returns the database name.</summary>
    public Task<string> SourceDatabaseAsync(int major, string dataset, Func<PostgresCluster, string, Task> load)
    {
        lock (_loaded)
        {
            if (!_loaded.TryGetValue((major, dataset), out var db))
                _loaded[(major, dataset)] = db = Task.Run(async () =>
                {
                    var name = "src_" + dataset;
                    var cluster = await GetAsync(major);
                    await cluster.CreateDatabaseAsync(name);
                    await load(cluster, name);
                    return name;
                });
            return db;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var cluster in _clusters.Values)
            if (cluster.IsCompletedSuccessfully) await cluster.Result.DisposeAsync();
    }
}

[CollectionDefinition("versions")]
public sealed class VersionCollection : ICollectionFixture<VersionServers>;
