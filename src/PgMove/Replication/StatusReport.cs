namespace PgMove.Replication;

/// <summary>Where an online migration stands, as <c>pgmove status</c> shows it, read from the servers.</summary>
/// <param name="Source">The source, without password.</param>
/// <param name="Target">The target, without password.</param>
/// <param name="Slot">The migration's slot (and publication, origin) name.</param>
/// <param name="Phase">copying, streaming, stopped, cut over, or none; see <see cref="StatusRunner"/>.</param>
/// <param name="Migration">The record's facts (target, when and where the sync started); null when there is none.</param>
/// <param name="Fenced">The source is fenced (a cutover is in progress, or was and the source stays retired).</param>
/// <param name="LagBytes">Source WAL written since the position the sync confirmed as applied; null without a slot.</param>
/// <param name="LagSeconds">The source's own measure of the apply delay (pg_stat_replication.replay_lag); 0 when caught up.</param>
/// <param name="ApplyBytesPerSecond">Source WAL confirmed as applied per second, over one second of observation.</param>
/// <param name="SlotExists">The slot exists on the source.</param>
/// <param name="SlotActivePid">The walsender streaming the slot; null when none.</param>
/// <param name="RetainedBytes">WAL the slot keeps on the source.</param>
/// <param name="AppliedLsn">The source position the target's origin has applied.</param>
/// <param name="Changes">Row changes applied, from the sync's progress file.</param>
/// <param name="StateDirectory">The local state directory read.</param>
/// <param name="ChangesPerSecond">Row changes per second, from the sync's own progress file when it runs on this machine.</param>
/// <param name="EtaSeconds">When the lag will be applied at the current apply rate; null when not catching up.</param>
/// <param name="LastCutover">The outcome of a cutover run from this machine, when one was.</param>
public sealed record StatusReport(string Source, string Target, string Slot, string Phase, string? Migration, bool Fenced,
    bool SlotExists, int? SlotActivePid, long? LagBytes, double? LagSeconds, double? ApplyBytesPerSecond, long? RetainedBytes,
    string? AppliedLsn, double? ChangesPerSecond, long? Changes, double? EtaSeconds, CutoverResult? LastCutover, string StateDirectory)
{
    /// <summary>Whether anything of a migration was found.</summary>
    public bool Found => SlotExists || Migration is not null || LastCutover is not null;
}
