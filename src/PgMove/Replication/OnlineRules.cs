using PgMove.Catalog;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// The one rule book of online-migration readiness: <c>pgmove sync</c> asks it before it creates anything and
/// <c>pgmove check --online</c> reports what it answers, so check can never say yes where sync says no.
/// </summary>
public static class OnlineRules
{
    /// <summary>Logical decoding needs wal_level = logical on the source.</summary>
    public static RuleVerdict WalLevel(Catalog.ReplicationSettings source) =>
        source.WalLevel == "logical"
            ? RuleVerdict.Yes("wal_level = logical")
            : RuleVerdict.No($"source wal_level = {source.WalLevel}: online migration needs wal_level = logical (a restart is needed)",
                "ALTER SYSTEM SET wal_level = logical and restart the source (RDS/Aurora: rds.logical_replication = 1 in the " +
                "parameter group; Cloud SQL: cloudsql.logical_decoding = on; Azure: wal_level = logical)");

    /// <summary>
    /// The source user may stream a slot: REPLICATION, superuser, or membership in rds_replication (Amazon RDS and
    /// Aurora grant the replication privilege through it).
    /// </summary>
    public static RuleVerdict SourceMayReplicate(Catalog.ReplicationSettings source, string user) =>
        source.CanReplicate || source.IsRdsReplication
            ? RuleVerdict.Yes($"source user \"{user}\" " + (source.CanReplicate ? "has REPLICATION (or is a superuser)" : "is a member of rds_replication"))
            : RuleVerdict.No($"source user \"{user}\" has no REPLICATION privilege",
                $"ALTER ROLE {Quote.Ident(user)} REPLICATION (RDS/Aurora: GRANT rds_replication TO {Quote.Ident(user)}); " +
                "pg_hba.conf must also let it connect for replication");

    /// <summary>
    /// The target user may apply changes as pgmove does: a replication origin and session_replication_role =
    /// replica (triggers and foreign-key checks off for the applier), which need a superuser.
    /// </summary>
    public static RuleVerdict TargetMayApply(ServerInfo target) =>
        target.IsSuperuser
            ? RuleVerdict.Yes($"target user \"{target.CurrentUser}\" is a superuser")
            : RuleVerdict.No($"target user \"{target.CurrentUser}\" must be a superuser to apply changes (replication origin, session_replication_role = replica)",
                "connect to the target as a superuser for sync (the applications' roles need not be)");

    /// <summary>
    /// <c>sync --apply native</c>: the target user may create the subscription that applies the changes, a superuser
    /// or, on PostgreSQL 16 and later, a member of pg_create_subscription (<paramref name="mayCreateSubscription"/>).
    /// </summary>
    public static RuleVerdict TargetMaySubscribe(ServerInfo target, bool mayCreateSubscription) =>
        mayCreateSubscription
            ? RuleVerdict.Yes($"--apply native is available: target user \"{target.CurrentUser}\" " +
                              (target.IsSuperuser ? "is a superuser" : "is a member of pg_create_subscription"))
            : RuleVerdict.No($"--apply native is not available: target user \"{target.CurrentUser}\" may not create subscriptions",
                target.Major >= 16
                    ? $"GRANT pg_create_subscription TO {Quote.Ident(target.CurrentUser)} (and CREATE on the database), or use a superuser"
                    : "connect to the target as a superuser (pg_create_subscription exists from PostgreSQL 16 on)");
}
