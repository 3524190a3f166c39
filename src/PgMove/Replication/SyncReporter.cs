using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;

namespace PgMove.Replication;

/// <summary>
/// Publishes a sync's progress about once a second: the state file (sync.json), the --metrics-port observer and,
/// while streaming, the live display (<see cref="SyncProgressed"/>: apply rate, lag in bytes and seconds, when the
/// backlog will be applied) and every ten seconds a log line. The lag is read from the source's slot through a
/// read-only session of its own (the same reading as status, <see cref="ApplyLag"/>); when the source cannot be
/// read, the lag is left out until it can again.
/// </summary>
internal sealed class SyncReporter(SyncStateFile file, SyncProgress progress, IProgressSink sink, Action<SyncState>? observer)
{
    static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);
    readonly Queue<(DateTime At, ulong Confirmed)> _confirmed = new();

    /// <summary>The state directory the state file is in.</summary>
    public string Directory => file.Directory;

    /// <summary>The state last written.</summary>
    public SyncState State { get; private set; } = new();

    /// <summary>Writes <paramref name="state"/> with the progress counters; returns what was written.</summary>
    public SyncState Write(SyncState state)
    {
        State = state;
        var current = progress.Into(state);
        file.Write(current);
        observer?.Invoke(current);
        return current;
    }

    /// <summary>Reports until cancelled; <paramref name="slot"/> is read on <paramref name="source"/> for the lag.</summary>
    public async Task RunAsync(ConnectionSpec source, string slot, CancellationToken ct)
    {
        var lastLog = DateTime.UtcNow;
        var lastChanges = -1L;
        NpgsqlConnection? session = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(1000, ct);
                if (State.Phase is SyncPhase.Done or SyncPhase.Failed) continue;
                if (State.Phase != SyncPhase.Streaming)
                {
                    Write(State);
                    continue;
                }
                ApplyLag? lag;
                (session, lag) = await ReadLagAsync(session, source, slot, ct);
                var s = Write(State with { LagBytes = lag?.LagBytes, LagSeconds = lag?.LagSeconds, EtaSeconds = lag?.EtaSeconds });
                sink.Report(new SyncProgressed(s.Transactions, s.Changes, s.ChangesPerSecond, s.AppliedLsn, s.LagBytes, s.LagSeconds, s.EtaSeconds));
                if (DateTime.UtcNow - lastLog < TimeSpan.FromSeconds(10)) continue;
                if (s.Changes == lastChanges && DateTime.UtcNow - lastLog < TimeSpan.FromMinutes(5)) continue; // quiet while idle
                lastLog = DateTime.UtcNow;
                lastChanges = s.Changes;
                sink.Report(new Notice($"applied {s.Transactions} transactions, {s.Changes} changes ({s.ChangesPerSecond:0}/s), source LSN {s.AppliedLsn}" +
                                       (s.LagBytes is { } b ? $", lag {b / (1024.0 * 1024):0.00} MB ({s.LagSeconds?.ToString("0.0") ?? "?"} s)" : "") +
                                       (s.EtaSeconds is { } eta ? $", backlog applied in about {eta:0} s" : "") +
                                       (progress.Missed > 0 ? $"; {progress.Missed} updates/deletes found no row on the target" : "")));
            }
        }
        finally
        {
            if (session is not null) await session.DisposeAsync();
        }
    }

    /// <summary>The slot's lag now, the rate over the last ten seconds; (null session, null) when the source cannot be read.</summary>
    async Task<(NpgsqlConnection?, ApplyLag?)> ReadLagAsync(NpgsqlConnection? session, ConnectionSpec source, string slot, CancellationToken ct)
    {
        try
        {
            session ??= await OpenAsync(source, ct);
            if (await ReplicationCatalog.ReadSlotAsync(session, slot, ct) is not { } info) return (session, null);
            return (session, await ApplyLag.ReadAsync(session, info, Rate(info), progress.OldestPending, ct));
        }
        catch (Exception e) when (e is NpgsqlException or PgMoveException or IOException or TimeoutException)
        {
            if (session is not null) await session.DisposeAsync();
            return (null, null);
        }
    }

    /// <summary>
    /// The slot and the WAL position belong to the cluster: read from its maintenance database, whose sessions a
    /// cutover's fence leaves alone; from the migrated database when that one may not be reached.
    /// </summary>
    static async Task<NpgsqlConnection> OpenAsync(ConnectionSpec source, CancellationToken ct)
    {
        var postgres = source.WithDatabase("postgres");
        try
        {
            return await PgSession.OpenAsync(ReplicationSettings.SourceReader(postgres), Side.Source, postgres.ToString(), ct);
        }
        catch (PgMoveException)
        {
            return await PgSession.OpenAsync(ReplicationSettings.SourceReader(source), Side.Source, source.ToString(), ct);
        }
    }

    /// <summary>Source WAL confirmed as applied per second over the last ten seconds.</summary>
    double? Rate(SlotInfo slot)
    {
        if (slot.ConfirmedFlush is not { } confirmed) return null;
        var now = DateTime.UtcNow;
        _confirmed.Enqueue((now, (ulong)confirmed));
        while (_confirmed.Count > 1 && now - _confirmed.Peek().At > RateWindow) _confirmed.Dequeue();
        var (at, first) = _confirmed.Peek();
        var seconds = (now - at).TotalSeconds;
        return seconds > 0 && (ulong)confirmed >= first ? ((ulong)confirmed - first) / seconds : null;
    }
}
