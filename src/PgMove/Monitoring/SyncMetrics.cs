using System.Net;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Replication;
using Prometheus;

namespace PgMove.Monitoring;

/// <summary>
/// <c>sync --metrics-port PORT</c>: the sync's progress as Prometheus metrics on http://HOST:PORT/metrics, served by
/// prometheus-net. The apply counters come from the sync itself (<see cref="Observe"/>, every second); the lag and the
/// WAL the slot retains are read from the source's catalog at each scrape, as <c>pgmove status</c> reads them, so a
/// scrape tells the source's view even while the applier is stuck.
/// </summary>
public sealed class SyncMetrics : IAsyncDisposable
{
    static readonly string[] Phases = [SyncPhase.Copying, SyncPhase.Streaming, SyncPhase.Done, SyncPhase.Failed];
    readonly ConnectionSpec _source;
    readonly ConnectionSpec _target;
    readonly IMetricServer _server;
    readonly Gauge _lagBytes, _lagSeconds, _walRetained, _rate, _phase;
    readonly Counter _changes, _transactions;
    string? _slot;

    SyncMetrics(int port, ConnectionSpec source, ConnectionSpec target)
    {
        (_source, _target) = (source, target);
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        _lagBytes = factory.CreateGauge("pgmove_sync_lag_bytes", "WAL between the source's current position and what the target confirmed (slot lag)");
        _lagSeconds = factory.CreateGauge("pgmove_sync_lag_seconds", "The source's measure of the apply delay (pg_stat_replication.replay_lag); 0 when caught up");
        _walRetained = factory.CreateGauge("pgmove_sync_wal_retained_bytes", "WAL the replication slot keeps on the source");
        _rate = factory.CreateGauge("pgmove_sync_apply_rate_changes_per_second", "Row changes applied per second over the last ten seconds");
        _changes = factory.CreateCounter("pgmove_sync_changes_applied_total", "Row changes applied to the target");
        _transactions = factory.CreateCounter("pgmove_sync_transactions_applied_total", "Source transactions applied to the target");
        _phase = factory.CreateGauge("pgmove_sync_phase", "1 for the sync's current phase", "phase");
        registry.AddBeforeCollectCallback(ReadSourceAsync);
        try
        {
            _server = new MetricServer(hostname: "+", port: port, registry: registry).Start();
        }
        catch (HttpListenerException e)
        {
            throw new Errors.PgMoveException(Errors.ExitCode.Usage, $"--metrics-port {port}: cannot serve metrics there ({e.Message}); choose another port");
        }
    }

    /// <summary>Starts serving on <paramref name="port"/> (all interfaces).</summary>
    public static SyncMetrics Start(int port, ConnectionSpec source, ConnectionSpec target) => new(port, source, target);

    /// <summary>The sync's state, as it writes it to its progress file.</summary>
    public void Observe(SyncState state)
    {
        _changes.IncTo(state.Changes);
        _transactions.IncTo(state.Transactions);
        _rate.Set(state.ChangesPerSecond);
        foreach (var phase in Phases) _phase.WithLabels(phase).Set(phase == state.Phase ? 1 : 0);
    }

    async Task ReadSourceAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await PgSession.OpenAsync(Replication.ReplicationSettings.SourceReader(_source), Side.Source, _source.ToString(), ct);
            _slot ??= (await MigrationNames.ResolveAsync(connection, _source, _target, ct)).Slot;
            if (await ReplicationCatalog.ReadSlotAsync(connection, _slot, ct) is not { } slot) return;
            _lagBytes.Set(slot.LagBytes ?? 0);
            _walRetained.Set(slot.RetainedBytes);
            await using var cmd = new NpgsqlCommand(
                "SELECT coalesce(extract(epoch FROM replay_lag)::float8, 0) FROM pg_stat_replication WHERE pid = $1", connection)
            { Parameters = { new() { Value = slot.ActivePid ?? 0 } } };
            _lagSeconds.Set(slot.LagBytes == 0 ? 0 : await cmd.ExecuteScalarAsync(ct) is double seconds ? seconds : 0);
        }
        catch (Exception e) when (e is NpgsqlException or Errors.PgMoveException or TimeoutException)
        {
            // A scrape must answer even when the source does not: the last values stay.
        }
    }

    public async ValueTask DisposeAsync() => await _server.StopAsync();
}
