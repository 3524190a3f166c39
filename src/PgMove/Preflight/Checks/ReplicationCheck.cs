using PgMove.Catalog;
using PgMove.Replication;

namespace PgMove.Preflight.Checks;

/// <summary>
/// With --online: what logical replication from the source needs (wal_level, a free slot and WAL sender, the
/// REPLICATION privilege), old slots holding WAL, and the tables whose UPDATE/DELETE would fail once published.
/// </summary>
public sealed class ReplicationCheck : IPreflightCheck
{
    public string Name => "replication";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var s = await ReplicationReadinessCatalog.ReadSettingsAsync(context.Source, ct);
        return
        [
            Item("wal-level", OnlineRules.WalLevel(s)),
            Free("replication-slots", "max_replication_slots", s.MaxReplicationSlots, s.UsedReplicationSlots,
                "drop unused slots (pg_drop_replication_slot) or raise max_replication_slots (needs a restart)"),
            Free("wal-senders", "max_wal_senders", s.MaxWalSenders, s.UsedWalSenders,
                "raise max_wal_senders (needs a restart) or stop another replication client"),
            Timeout(s.WalSenderTimeoutMs),
            Item("replication-privilege", OnlineRules.SourceMayReplicate(s, context.SourceServer.CurrentUser)),
            Item("apply-privilege", OnlineRules.TargetMayApply(context.TargetServer)),
            Info("apply-native", OnlineRules.TargetMaySubscribe(context.TargetServer,
                await SubscriptionCatalog.MayCreateAsync(context.Target, context.TargetServer, ct))),
            await InactiveSlotsAsync(context, ct),
            await ReplicaIdentityAsync(context, ct),
        ];
    }

    /// <summary>The rule book's answer as a check item: the same decision sync makes.</summary>
    static CheckItem Item(string name, RuleVerdict verdict) =>
        verdict.Ok ? CheckItem.Ok(name, verdict.Evidence) : CheckItem.Fail(name, verdict.Evidence, verdict.Fix!);

    /// <summary>An option's availability: a "no" warns (sync works without it) and says how to get it.</summary>
    static CheckItem Info(string name, RuleVerdict verdict) =>
        verdict.Ok ? CheckItem.Ok(name, verdict.Evidence) : CheckItem.Warn(name, verdict.Evidence, verdict.Fix!);

    static CheckItem Free(string name, string setting, int max, int used, string fix)
    {
        var evidence = $"{setting} {max}, {used} in use";
        return max - used >= 1 ? CheckItem.Ok(name, evidence + $", {max - used} free") : CheckItem.Fail(name, evidence + ": none free for pgmove", fix);
    }

    static CheckItem Timeout(int ms)
    {
        var shown = ms % 1000 == 0 ? $"{ms / 1000} s" : $"{ms} ms";
        if (ms == 0)
            return CheckItem.Warn("wal-sender-timeout", "wal_sender_timeout = 0: a dead replication connection is never noticed",
                "set wal_sender_timeout to e.g. 60s so a lost connection frees its WAL sender and slot");
        if (ms < 10_000)
            return CheckItem.Warn("wal-sender-timeout", $"wal_sender_timeout = {shown}: a busy apply may be cut off",
                "raise wal_sender_timeout to 60s or more for the migration");
        return CheckItem.Ok("wal-sender-timeout", $"wal_sender_timeout = {shown}");
    }

    static async Task<CheckItem> InactiveSlotsAsync(PreflightContext c, CancellationToken ct)
    {
        var slots = await ReplicationReadinessCatalog.ReadInactiveSlotsAsync(c.Source, ct);
        if (slots.Count == 0) return CheckItem.Ok("inactive-slots", "no inactive replication slot");
        var listed = slots.Select(s => $"{s.Slot} ({s.Type}{(s.Database is null ? "" : ", " + s.Database)}, retains {s.RetainedBytes / 1024 / 1024} MB of WAL)").ToList();
        return CheckItem.Warn("inactive-slots", $"{slots.Count} inactive: {Listing.Few(listed)}",
            "each keeps WAL on the source's disk until it is read or dropped: SELECT pg_drop_replication_slot('<name>') for those no one will use again");
    }

    static async Task<CheckItem> ReplicaIdentityAsync(PreflightContext c, CancellationToken ct)
    {
        var tables = await TableShapeCatalog.ReadAsync(c.Source, c.Selection, ct);
        var blocked = tables.Where(t => t.Kind == 'r' && !t.Unlogged && !t.ReplicaIdentityOk)
            .Select(t => $"{t.Name} (replica identity {t.ReplicaIdentity switch { 'n' => "nothing", 'i' => "index missing", _ => "default, no primary key" }})")
            .ToList();
        if (blocked.Count == 0) return CheckItem.Ok("replica-identity", "every table can be published for UPDATE and DELETE");
        return CheckItem.Fail("replica-identity",
            $"{blocked.Count} table(s) would make UPDATE/DELETE fail on the source once published: {Listing.Few(blocked)}",
            "add a primary key, or ALTER TABLE … REPLICA IDENTITY FULL (every column logged; slower), " +
            "or REPLICA IDENTITY USING INDEX a unique index on NOT NULL columns");
    }
}
