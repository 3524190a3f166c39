using PgMove.Connections;

namespace PgMove.Preflight;

/// <summary>
/// What <c>pgmove check</c> was asked about: the same pair and the same switches as the copy (or sync) it prepares,
/// since they change what that run needs (connections for <see cref="Jobs"/>, owners unless <see cref="NoOwner"/>…).
/// </summary>
public sealed record CheckOptions
{
    public required ConnectionSpec Source { get; init; }
    public required ConnectionSpec Target { get; init; }
    public int Jobs { get; init; } = 4;
    public int IndexJobs { get; init; } = 4;
    /// <summary>Also check what an online migration (logical replication from the source) needs.</summary>
    public bool Online { get; init; }
    public bool Clean { get; init; }
    public bool NoOwner { get; init; }
    public bool NoAcl { get; init; }
    public string? PgBin { get; init; }
    /// <summary>The copy creates the missing roles (--roles, --all-databases): a missing role then fails only without CREATEROLE.</summary>
    public bool Roles { get; init; }
    /// <summary>The filters the copy will use (reported by the filters item).</summary>
    public Filters.FilterOptions Filters { get; init; } = new();
}
