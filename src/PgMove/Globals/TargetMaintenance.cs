using Npgsql;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Globals;

/// <summary>Sessions on the target server outside the migrated database, for role statements (roles are server-wide).</summary>
public static class TargetMaintenance
{
    /// <summary>Like createdb: the "postgres" database, else template1 where "postgres" was dropped.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(ConnectionSpec target, CancellationToken ct)
    {
        var spec = target.WithDatabase("postgres");
        try
        {
            return await PgSession.OpenAsync(spec.ToNpgsql("pgmove", maxPoolSize: 2), Side.Target, spec.ToString(), ct);
        }
        catch (PgMoveException e) when (e.InnerException is PostgresException { SqlState: "3D000" })
        {
            spec = target.WithDatabase("template1");
            return await PgSession.OpenAsync(spec.ToNpgsql("pgmove", maxPoolSize: 2), Side.Target, spec.ToString(), ct);
        }
    }
}
