using Npgsql;
using PgMove.Catalog;

namespace PgMove.Replication;

/// <summary>
/// How far the apply is behind the source, as status and the sync's own display show it: source WAL not yet confirmed
/// as applied (bytes), the source's measure of the apply delay (seconds), the rate at which the confirmed position
/// moves, and when the lag will be applied at that rate. One rule for both.
/// </summary>
/// <param name="LagBytes">Source WAL written since the position the sync confirmed as applied.</param>
/// <param name="LagSeconds">pg_stat_replication.replay_lag of the slot's walsender; 0 when caught up.</param>
/// <param name="BytesPerSecond">Source WAL confirmed as applied per second.</param>
internal sealed record ApplyLag(long? LagBytes, double? LagSeconds, double? BytesPerSecond)
{
    /// <summary>Seconds until the lag is applied at the current rate; null when not catching up.</summary>
    public double? EtaSeconds => LagBytes is { } lag && lag > 0 && BytesPerSecond is { } r && r > 0 ? Math.Round(lag / r, 1) : null;

    /// <summary>
    /// Reads the lag of <paramref name="slot"/> as it is now; <paramref name="rate"/> is measured by the caller. The
    /// seconds are the source's replay_lag; while behind without one (the walsender measures it only from the
    /// applier's confirmations: none come while it is held up), <paramref name="pendingSince"/>, the source commit
    /// time of the oldest transaction the sync received and has not applied, gives the age of the lag.
    /// </summary>
    public static async Task<ApplyLag> ReadAsync(NpgsqlConnection source, SlotInfo slot, double? rate, DateTime? pendingSince, CancellationToken ct)
    {
        var seconds = slot.ActivePid is { } pid ? await ReplicationCatalog.ReadReplayLagAsync(source, pid, ct) : null;
        if (pendingSince is { } since && slot.LagBytes > 0)
            seconds = Math.Max(seconds ?? 0, Math.Round(Math.Max(0, (DateTime.UtcNow - since).TotalSeconds), 1));
        return new ApplyLag(slot.LagBytes, slot.LagBytes == 0 ? 0 : seconds, rate);
    }
}
