using PgMove.Connections;
using PgMove.Filters;

namespace PgMove.Archive;

/// <summary>What <c>pgmove dump</c> was asked to do.</summary>
public sealed record DumpOptions
{
    public required ConnectionSpec Source { get; init; }
    /// <summary>The archive directory: created, or an empty one (with --resume: the interrupted dump's).</summary>
    public required string Directory { get; init; }
    /// <summary>Parallel source sessions writing data files.</summary>
    public int Jobs { get; init; } = 2;
    /// <summary>Directory of pg_dump/pg_restore; null to search PATH and /usr/lib/postgresql/*/bin.</summary>
    public string? PgBin { get; init; }
    /// <summary>The copy's filters: what the archive holds.</summary>
    public FilterOptions Filters { get; init; } = new();
    /// <summary>Finish the interrupted dump in <see cref="Directory"/>: its complete, checked files of unchanged tables are kept.</summary>
    public bool Resume { get; init; }
}
