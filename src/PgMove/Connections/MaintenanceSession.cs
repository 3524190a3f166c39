using Npgsql;
using PgMove.Errors;

namespace PgMove.Connections;

/// <summary>
/// A session on a server outside the migrated database (to create it, for role statements, for ALTER SYSTEM):
/// like createdb, the "postgres" database, else template1 where "postgres" was dropped.
/// </summary>
public static class MaintenanceSession
{
    /// <summary>
    /// application_name of maintenance sessions: a resume tells by it that such a session in the maintenance database
    /// is a running pgmove's (one of <c>--all-databases</c>' other databases), not a leftover of the interrupted run.
    /// </summary>
    public const string ApplicationName = "pgmove maintenance";

    /// <param name="connectionString">Builds the connection string for a spec; by default pgmove's, pooled (2 sessions).</param>
    /// <param name="server">The server; its database name is ignored.</param>
    /// <param name="ct">Cancels the connection attempt.</param>
    public static async Task<NpgsqlConnection> OpenAsync(ConnectionSpec server, CancellationToken ct,
        Func<ConnectionSpec, string>? connectionString = null)
    {
        connectionString ??= spec => spec.ToNpgsql(ApplicationName, maxPoolSize: 2);
        var spec = server.WithDatabase("postgres");
        try
        {
            return await PgSession.OpenAsync(connectionString(spec), Side.Target, spec.ToString(), ct);
        }
        catch (PgMoveException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName })
        {
            spec = server.WithDatabase("template1");
            return await PgSession.OpenAsync(connectionString(spec), Side.Target, spec.ToString(), ct);
        }
    }
}
