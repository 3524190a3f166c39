namespace PgMove.Replication;

/// <summary>
/// The facts of an online migration, kept on the source as the comment of pgmove's own publication, so that
/// status, cutover and cleanup work from any machine that reaches both servers, and a second sync of the same
/// source database is refused with the first one's facts. Never holds a password.
/// </summary>
public sealed record MigrationRecord
{
    /// <summary>The target as given to sync, without password.</summary>
    public required string Target { get; init; }
    public required string TargetSystemId { get; init; }
    public required string TargetDatabase { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    /// <summary>Machine and process that started the sync.</summary>
    public string Host { get; init; } = "";
    public int Pid { get; init; }
    /// <summary>
    /// The server pid of the running sync's own session on the source, which the fence spares (the sync reads the
    /// record through it when its stream ends); set each time a sync starts streaming.
    /// </summary>
    public int? SyncSessionPid { get; init; }
    /// <summary><see cref="MigrationState"/>.</summary>
    public string State { get; init; } = MigrationState.Syncing;
    /// <summary>
    /// The sync's filters (--schema, --table, --where…), so that the cutover sets and verifies only what the migration
    /// moves; null: everything.
    /// </summary>
    public Filters.FilterOptions? Filters { get; init; }
    /// <summary>The fence in force on the source, with what it replaced; null when unfenced.</summary>
    public FenceRecord? Fence { get; init; }

    /// <summary>Whether this migration goes to the given target database.</summary>
    public bool IsFor(ServerIdentity target) => target.SystemId == TargetSystemId && target.Database == TargetDatabase;

    public string Describe() => $"to {Target} (started {StartedAt:yyyy-MM-dd HH:mm:ss} UTC by pid {Pid} on {Host}, {State})";
}
