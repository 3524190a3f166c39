using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PgMove.Tests.Infrastructure;
using PgMove.Tests.Replication;

namespace PgMove.Tests.Monitoring;

/// <summary>sync --metrics-port: Prometheus metrics of a running sync, scraped over HTTP while it applies changes.</summary>
[Collection("clusters")]
public sealed class SyncMetricsTests(ClusterPair clusters)
{
    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static double Value(string metrics, string name)
    {
        var match = Regex.Match(metrics, $"^{Regex.Escape(name)} (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} not in the scrape:\n{metrics}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_running_sync_serves_lag_rate_counters_phase_and_retained_wal()
    {
        const string db = "sync_metrics";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (0, 'copied');");
        var dir = PgMoveProcess.StateDir();
        var port = FreePort();
        using var sync = BackgroundPgMove.Start(SyncFixtures.Args("sync", clusters, db, dir, "--metrics-port", port.ToString(CultureInfo.InvariantCulture)));
        await sync.WaitForPhaseAsync(dir, "streaming", TimeSpan.FromSeconds(60));
        for (var i = 1; i <= 50; i++)
            await clusters.Source.ExecuteAsync(db, $"INSERT INTO t VALUES ({i}, 'streamed')");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = $"http://127.0.0.1:{port}/metrics";
        string metrics;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            await Task.Delay(500);
            metrics = await http.GetStringAsync(url);
        } while (Value(metrics, "pgmove_sync_changes_applied_total") < 50 && DateTime.UtcNow < deadline);

        Assert.Equal(50, Value(metrics, "pgmove_sync_changes_applied_total"));
        Assert.Equal(50, Value(metrics, "pgmove_sync_transactions_applied_total"));
        Assert.Equal(1, Value(metrics, "pgmove_sync_phase{phase=\"streaming\"}"));
        Assert.Equal(0, Value(metrics, "pgmove_sync_phase{phase=\"copying\"}"));
        Assert.True(Value(metrics, "pgmove_sync_apply_rate_changes_per_second") >= 0);
        Assert.True(Value(metrics, "pgmove_sync_wal_retained_bytes") > 0, metrics);   // the slot holds WAL back
        Assert.True(Value(metrics, "pgmove_sync_lag_bytes") >= 0);
        Assert.True(Value(metrics, "pgmove_sync_lag_seconds") >= 0);

        // Lag as the source sees it: WAL written while nothing is confirmed shows up at the next scrape.
        await clusters.Source.ExecuteAsync("postgres", "SELECT pg_switch_wal()");
        Assert.Contains("# TYPE pgmove_sync_lag_bytes gauge", await http.GetStringAsync(url));

        var cutover = await PgMoveProcess.RunAsync(SyncFixtures.Args("cutover", clusters, db, dir));
        Assert.True(cutover.ExitCode == 0, cutover + "\n--- sync ---\n" + sync.Output);
        Assert.Equal(0, await sync.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await SyncFixtures.AssertFencedAndReopenAsync(clusters.Source, db);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync(url));   // the server ends with the sync
    }
}
