namespace PgMove.Resume;

/// <summary>Which server and database: the system identifier when readable (stable across restarts), else the address.</summary>
/// <param name="SystemId">pg_control_system().system_identifier, or null when the user may not read it.</param>
/// <param name="Address">user@host:port as given.</param>
/// <param name="Database">The database's name.</param>
public sealed record ServerIdentity(string? SystemId, string Address, string Database)
{
    /// <summary>True when both name the same database of the same server.</summary>
    /// <param name="other">The identity found now.</param>
    public bool SameAs(ServerIdentity other) =>
        Database == other.Database && (SystemId is not null && other.SystemId is not null ? SystemId == other.SystemId : Address == other.Address);

    /// <summary>For messages.</summary>
    public override string ToString() => $"database \"{Database}\" on {(SystemId is null ? Address : $"{Address} (system {SystemId})")}";
}
