using Npgsql;
using PgMove.Catalog;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// Finds an online migration on the servers themselves: its slot and record on the source, its origin on the
/// target. The commands that act on a running migration ask here, so they agree on whether one exists.
/// </summary>
internal static class MigrationLookup
{
    /// <summary>The source database's migration (slot and record); refuses (exit 11) when it has none, before anything else is opened.</summary>
    public static async Task<(SlotInfo Slot, MigrationRecord Record)> RequireOnSourceAsync(NpgsqlConnection admin, MigrationNames names,
        CancellationToken ct)
    {
        if (await ReplicationCatalog.ReadSlotAsync(admin, names.Slot, ct) is { } slot
            && await MigrationRecordStore.ReadAsync(admin, names.Publication, ct) is { } record)
            return (slot, record);
        throw new PgMoveException(ExitCode.Refused,
            $"no pgmove sync exists for the source database {admin.Database} (no slot and record {names.Slot}); start one with `pgmove sync`");
    }

    /// <summary>
    /// One sync at a time per source database, from its start (its copy phase holds no active slot yet): a
    /// session-level advisory lock on the source, held by the sync's own session until it ends. Refuses (exit 11).
    /// </summary>
    public static Task LockSyncAsync(NpgsqlConnection admin, MigrationNames names, CancellationToken ct) =>
        TryLockAsync(admin, names.Id + ":sync", $"a pgmove sync of this source database is running (migration {names.Id}); nothing was changed", ct,
            patience: TimeSpan.FromSeconds(5)); // after a kill -9, the source takes a moment to end the dead sync's session

    /// <summary>
    /// One cutover at a time per migration: a session-level advisory lock on the source, held until the cutover's
    /// session ends (also when its process is killed). Refuses (exit 11) when another cutover holds it.
    /// </summary>
    public static Task LockCutoverAsync(NpgsqlConnection admin, MigrationNames names, CancellationToken ct) =>
        TryLockAsync(admin, names.Id + ":cutover", $"another pgmove cutover of this migration ({names.Id}) is running; nothing was changed", ct);

    static async Task TryLockAsync(NpgsqlConnection admin, string key, string refusal, CancellationToken ct, TimeSpan patience = default)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext($1))", admin) { Parameters = { new() { Value = key } } };
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!) return;
            if (DateTime.UtcNow > deadline) throw new PgMoveException(ExitCode.Refused, refusal);
            await Task.Delay(250, ct);
        }
    }

    /// <summary>Refuses (exit 11) unless the migration <paramref name="found"/> on the source streams to <paramref name="target"/>.</summary>
    public static async Task RequireStreamingAsync(NpgsqlConnection admin, NpgsqlConnection target, MigrationNames names,
        (SlotInfo Slot, MigrationRecord Record) found, CancellationToken ct)
    {
        var (slot, record) = found;
        var source = $"source database {admin.Database}";
        RequireTarget(record, await ServerIdentity.ReadAsync(target, ct), names);
        if (record.State == MigrationState.CutOver)
            throw new PgMoveException(ExitCode.Refused, $"the migration of the {source} was already cut over; `pgmove cleanup` drops what is left");
        if (slot.ActivePid is null)
            throw new PgMoveException(ExitCode.Refused,
                $"the sync of the {source} is not running (slot {names.Slot} has no walsender); start `pgmove sync` again with the same " +
                "--source and --target (it resumes), then run cutover; nothing was changed");
        if (!await ReplicationCatalog.OriginExistsAsync(target, names.Origin, ct) && !await SubscriptionCatalog.ExistsAsync(target, names.Id, ct))
            throw new PgMoveException(ExitCode.Refused, $"the sync of the {source} is still copying; run cutover once it streams; nothing was changed");
    }

    /// <summary>Refuses (exit 11) when the migration recorded for the source goes to another target.</summary>
    public static void RequireTarget(MigrationRecord record, ServerIdentity target, MigrationNames names)
    {
        if (!record.IsFor(target))
            throw new PgMoveException(ExitCode.Refused,
                $"the source database's migration {names.Id} goes {record.Describe()}, not to {names.Target} ({target}); " +
                "a source database has one migration at a time; nothing was changed");
    }
}
