using PgMove.Connections;
using PgMove.Copy;

namespace PgMove.Replication;

/// <summary>What <c>pgmove sync</c> was asked to do.</summary>
public sealed record SyncOptions
{
    public required ConnectionSpec Source { get; init; }
    public required ConnectionSpec Target { get; init; }
    /// <summary>
    /// The initial copy's options, as <c>pgmove copy</c> takes them (jobs, roles, owner map, tablespaces, target
    /// tuning, slices, timeline, ...); the sync sets their source, target, state directory and snapshot itself.
    /// </summary>
    public required CopyOptions Copy { get; init; }
    /// <summary>State directory for the progress file; null for the default derived from the migration.</summary>
    public string? StateDirectory { get; init; }
    /// <summary>Give tables without a primary key REPLICA IDENTITY FULL on the source instead of refusing to start.</summary>
    public bool SetReplicaIdentityFull { get; init; }
    /// <summary>
    /// --apply native: after the copy, a native subscription on the target applies the changes from pgmove's slot
    /// instead of pgmove's own applier.
    /// </summary>
    public bool NativeApply { get; init; }
}
