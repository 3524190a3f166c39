using PgMove.Connections;

namespace PgMove.Archive;

/// <summary>What <c>pgmove restore</c> was asked to do.</summary>
public sealed record ArchiveRestoreOptions
{
    /// <summary>The archive directory written by <c>pgmove dump</c>.</summary>
    public required string Directory { get; init; }
    /// <summary>The target; without a database name, the archived database's name is used. Null with --check-only.</summary>
    public ConnectionSpec? Target { get; init; }
    /// <summary>Parallel table loads (and ANALYZE sessions).</summary>
    public int Jobs { get; init; } = 2;
    /// <summary>Parallel sessions for indexes and constraints.</summary>
    public int IndexJobs { get; init; } = 2;
    public bool NoOwner { get; init; }
    /// <summary>--roles: create the roles the archive records (without passwords) before the database.</summary>
    public bool Roles { get; init; }
    public bool NoAcl { get; init; }
    /// <summary>--clean: on a target database that is not empty, drop what the restore creates first (refusing when the target has more).</summary>
    public bool Clean { get; init; }
    /// <summary>After the restore, compare every table's row count with the manifest's.</summary>
    public bool Verify { get; init; }
    /// <summary>Everything in one transaction, one step after the other: a failure leaves the target as it was.</summary>
    public bool SingleTransaction { get; init; }
    /// <summary>--tune-target: max_wal_size and checkpoint_timeout raised on the target for the run, and put back (as copy does).</summary>
    public bool TuneTarget { get; init; }
    /// <summary>Where to write the run's timeline (JSON, with an SVG beside it); null for none.</summary>
    public string? TimelinePath { get; init; }
    /// <summary>Where the plan and the item states are kept.</summary>
    public required string StateDirectory { get; init; }
    /// <summary>Directory of pg_dump/pg_restore; null to search PATH and /usr/lib/postgresql/*/bin.</summary>
    public string? PgBin { get; init; }
}
