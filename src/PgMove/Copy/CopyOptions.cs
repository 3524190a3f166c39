using PgMove.Connections;
using PgMove.Globals;

namespace PgMove.Copy;

/// <summary>What <c>pgmove copy</c> was asked to do.</summary>
public sealed record CopyOptions
{
    public required ConnectionSpec Source { get; init; }
    public required ConnectionSpec Target { get; init; }
    /// <summary>Parallel table copies (and ANALYZE sessions).</summary>
    public int Jobs { get; init; } = 4;
    /// <summary>Parallel sessions for indexes and constraints.</summary>
    public int IndexJobs { get; init; } = 4;
    /// <summary>Drop what the copy will create before creating it, when the target database is not empty.</summary>
    public bool Clean { get; init; }
    public bool NoOwner { get; init; }
    public bool NoAcl { get; init; }
    /// <summary>Where the plan, the item states and the schema archive are kept.</summary>
    public required string StateDirectory { get; init; }
    /// <summary>Tables larger than this many bytes are copied in slices side by side; null for the adaptive default.</summary>
    public long? SplitLargerThan { get; init; }
    /// <summary>Apply the recommended checkpoint settings on the target for the copy (ALTER SYSTEM), restored after.</summary>
    public bool TuneTarget { get; init; }
    /// <summary>Where to write the run's timeline (JSON, with an SVG beside it); null for none.</summary>
    public string? TimelinePath { get; init; }
    /// <summary>Directory of pg_dump/pg_restore; null to search PATH and /usr/lib/postgresql/*/bin.</summary>
    public string? PgBin { get; init; }
    /// <summary>Roles, owner mapping and tablespaces (--roles, --owner-map, --no-tablespaces, …).</summary>
    public GlobalsOptions Globals { get; init; } = new();
    /// <summary>A snapshot exported by someone else (a replication slot) to copy from; null to export one.</summary>
    public string? ExternalSnapshot { get; init; }
    /// <summary>Continue the run recorded in <see cref="StateDirectory"/> (--resume).</summary>
    public bool Resume { get; init; }
    /// <summary>With <see cref="Resume"/>: go on when pgmove cannot tell which source tables changed since the first run.</summary>
    public bool AcceptSourceChanges { get; init; }
    /// <summary>Read both servers and print the plan; change nothing (<see cref="CopyRunner.PreviewAsync"/>).</summary>
    public bool DryRun { get; init; }
    /// <summary>Worker slots shared with the other databases of <c>copy --all-databases</c>; null: this copy's own --jobs.</summary>
    public Planning.WorkerGate? SharedWorkers { get; init; }
    /// <summary>What to move (--schema, --table, --exclude-*, --where); everything by default.</summary>
    public Filters.FilterOptions Filters { get; init; } = new();
    /// <summary>SQL files run on the target after pre-data and after the copy (--after-pre-data, --after-copy).</summary>
    public Hooks.HookOptions Hooks { get; init; } = new();
    /// <summary>Run verify after the copy (done by the CLI once <see cref="CopyRunner"/> returns).</summary>
    public bool Verify { get; init; }
}
