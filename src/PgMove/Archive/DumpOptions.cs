using PgMove.Connections;

namespace PgMove.Archive;

/// <summary>What <c>pgmove dump</c> was asked to do.</summary>
public sealed record DumpOptions
{
    public required ConnectionSpec Source { get; init; }
    /// <summary>The archive directory: created, or an empty one.</summary>
    public required string Directory { get; init; }
    /// <summary>Parallel source sessions writing data files.</summary>
    public int Jobs { get; init; } = 2;
    /// <summary>Directory of pg_dump/pg_restore; null to search PATH and /usr/lib/postgresql/*/bin.</summary>
    public string? PgBin { get; init; }
}
