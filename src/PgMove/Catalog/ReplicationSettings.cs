namespace PgMove.Catalog;

/// <summary>A server's logical-replication settings and what the connecting role may do.</summary>
/// <param name="WalSenderTimeoutMs">wal_sender_timeout in milliseconds (0: never).</param>
/// <param name="CanReplicate">The role has REPLICATION or is a superuser.</param>
/// <param name="IsRdsReplication">The role is a member of rds_replication (Amazon RDS/Aurora's stand-in for REPLICATION).</param>
/// <param name="WalLevel">wal_level.</param>
/// <param name="MaxReplicationSlots">max_replication_slots.</param>
/// <param name="UsedReplicationSlots">Replication slots that exist.</param>
/// <param name="MaxWalSenders">max_wal_senders.</param>
/// <param name="UsedWalSenders">WAL senders running.</param>
public sealed record ReplicationSettings(
    string WalLevel,
    int MaxReplicationSlots,
    int UsedReplicationSlots,
    int MaxWalSenders,
    int UsedWalSenders,
    int WalSenderTimeoutMs,
    bool CanReplicate,
    bool IsRdsReplication);
