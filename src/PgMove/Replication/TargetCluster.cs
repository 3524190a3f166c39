using Npgsql;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>A session on the target cluster for cluster-wide things (origins, roles): the target database, or "postgres" when it does not exist yet.</summary>
internal static class TargetCluster
{
    /// <summary>Origins belong to the cluster: any database will do when the target database is gone.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(ConnectionSpec target, CancellationToken ct)
    {
        try
        {
            return await PgSession.OpenAsync(ReplicationSettings.Target(target), Side.Target, target.ToString(), ct);
        }
        catch (PgMoveException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName })
        {
            var postgres = target.WithDatabase("postgres");
            return await PgSession.OpenAsync(ReplicationSettings.Target(postgres), Side.Target, postgres.ToString(), ct);
        }
    }
}
