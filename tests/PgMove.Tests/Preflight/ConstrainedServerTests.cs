using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Preflight;

/// <summary>
/// A third cluster with the limits the shared pair does not have: wal_level = replica, no replication slots or WAL
/// senders, and max_connections = 10.
/// </summary>
public sealed class ConstrainedCluster : IAsyncLifetime
{
    public PostgresCluster Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await PostgresCluster.StartAsync("constrained", new Dictionary<string, string>
        {
            ["max_connections"] = "10",
            ["wal_level"] = "replica",
            ["max_wal_senders"] = "0",
            ["max_replication_slots"] = "0",
        });
        await Server.CreateDatabaseAsync("pf_small");
        await Server.ExecuteAsync("pf_small", "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[Collection("clusters")]
public sealed class ConstrainedServerTests(ClusterPair clusters, ConstrainedCluster constrained) : IClassFixture<ConstrainedCluster>
{
    [Fact]
    public async Task Online_check_of_a_source_without_logical_wal_fails_and_too_many_jobs_fail()
    {
        await clusters.Target.ExecuteAsync("postgres", "DROP DATABASE IF EXISTS pf_small WITH (FORCE)");
        var run = await CheckRun.RunAsync("--source", constrained.Server.Uri("pf_small"), "--target", clusters.Target.Uri("pf_small"),
            "--online", "--jobs", "8");
        run.ExpectExit(1);
        var (evidence, fix) = run.Expect("wal-level", "fail");
        Assert.Contains("wal_level = replica", evidence);
        Assert.Contains("wal_level = logical", fix);
        run.Expect("replication-slots", "fail");
        run.Expect("wal-senders", "fail");
        var connections = run.Expect("connections-source", "fail");
        Assert.Contains("opens up to 13 sessions; max_connections 10", connections.Evidence);
        Assert.Contains("--jobs 5", connections.Fix);
        run.Expect("connections-target", "ok");
        run.Expect("replica-identity", "ok");
        Assert.False(await clusters.Target.DatabaseExistsAsync("pf_small"));
    }

    [Fact]
    public async Task Target_with_small_max_connections_fails()
    {
        await clusters.Source.CreateDatabaseAsync("pf_small");
        await clusters.Source.ExecuteAsync("pf_small", "CREATE TABLE t (id int PRIMARY KEY)");
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri("pf_small"), "--target", constrained.Server.Uri("pf_small_copy"));
        run.ExpectExit(1);
        var (evidence, fix) = run.Expect("connections-target", "fail");
        Assert.Contains("opens up to 14 sessions; max_connections 10", evidence);
        Assert.Contains("--jobs 2", fix);
        run.Expect("connections-source", "ok");
        var smaller = await CheckRun.RunAsync("--source", clusters.Source.Uri("pf_small"), "--target", constrained.Server.Uri("pf_small_copy"),
            "--jobs", "2");
        smaller.ExpectExit(0);
        smaller.Expect("connections-target", "ok");
    }
}
