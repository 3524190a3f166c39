namespace PgMove.Catalog;

/// <summary>A server's connection limits as seen by one session (which counts itself in the "in use" numbers).</summary>
/// <param name="RoleLimit">rolconnlimit of the connecting role; -1 for no limit.</param>
/// <param name="DatabaseLimit">datconnlimit of the connected database; -1 for no limit.</param>
/// <param name="MaxConnections">max_connections.</param>
/// <param name="SuperuserReserved">superuser_reserved_connections.</param>
/// <param name="Reserved">reserved_connections (PostgreSQL 16+; 0 before).</param>
/// <param name="InUse">Client sessions open on the server.</param>
/// <param name="RoleInUse">Sessions of the connecting role.</param>
/// <param name="DatabaseInUse">Sessions on the connected database.</param>
public sealed record ConnectionLimits(
    int MaxConnections,
    int SuperuserReserved,
    int Reserved,
    int InUse,
    int RoleLimit,
    int RoleInUse,
    int DatabaseLimit,
    int DatabaseInUse);
