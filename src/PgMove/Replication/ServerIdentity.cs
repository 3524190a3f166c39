using Npgsql;
using PgMove.Connections;

namespace PgMove.Replication;

/// <summary>A database as the server knows it: the cluster's system identifier and the database's name.</summary>
public sealed record ServerIdentity(string SystemId, string Database)
{
    /// <summary>Reads the identity of the database <paramref name="connection"/> is connected to (any user may).</summary>
    public static async Task<ServerIdentity> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT system_identifier::text, current_database()::text FROM pg_control_system()", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new ServerIdentity(reader.GetString(0), reader.GetString(1));
    }

    public override string ToString() => $"database {Database} of system {SystemId}";
}
