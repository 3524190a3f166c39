using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;

namespace PgMove.Preflight;

/// <summary>
/// What every check reads: one read-only session on the source database, one on the target database (or, when it does
/// not exist yet, on the target's maintenance database), and the facts about both servers read once.
/// </summary>
public sealed class PreflightContext
{
    public required CheckOptions Options { get; init; }
    /// <summary>The target with its database resolved as copy does (named like the source when not given).</summary>
    public required ConnectionSpec TargetSpec { get; init; }
    public required NpgsqlConnection Source { get; init; }
    public required ServerInfo SourceServer { get; init; }
    public required DatabaseInfo SourceDatabase { get; init; }
    /// <summary>The target database when <see cref="TargetExists"/>, else the maintenance database (postgres or template1).</summary>
    public required NpgsqlConnection Target { get; init; }
    public required ServerInfo TargetServer { get; init; }
    public required bool TargetExists { get; init; }
    /// <summary>The existing target database's properties; null when it will be created.</summary>
    public DatabaseInfo? TargetDatabase { get; init; }

    /// <summary>
    /// What the filters select, resolved by the copy's own code; everything without filters, and also when they do not
    /// resolve (the filters item then fails, saying why). The other items look only at what is selected.
    /// </summary>
    public Filters.Selection Selection { get; init; } = Filters.Selection.Everything;

    /// <summary>Both connections reach the same running cluster.</summary>
    public bool SameServer => SourceServer.ClusterKey == TargetServer.ClusterKey;

    /// <summary>The target database is the source database itself (copy refuses this).</summary>
    public bool TargetIsSource => SameServer && TargetSpec.Database == Options.Source.Database;

    /// <summary>The user that connects to the target may do anything there.</summary>
    public bool TargetIsSuperuser => TargetServer.IsSuperuser;
}
