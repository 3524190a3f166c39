using PgMove.Connections;

namespace PgMove.Replication;

/// <summary>What <c>pgmove sync</c> was asked to do.</summary>
public sealed record SyncOptions
{
    public required ConnectionSpec Source { get; init; }
    public required ConnectionSpec Target { get; init; }
    public int Jobs { get; init; } = 4;
    public int IndexJobs { get; init; } = 4;
    public bool Clean { get; init; }
    public bool NoOwner { get; init; }
    public bool NoAcl { get; init; }
    /// <summary>State directory; null for the default derived from source and target.</summary>
    public string? StateDirectory { get; init; }
    public string? PgBin { get; init; }
    /// <summary>Give tables without a primary key REPLICA IDENTITY FULL on the source instead of refusing to start.</summary>
    public bool SetReplicaIdentityFull { get; init; }
}
