using System.Net.Sockets;
using Npgsql;
using PgMove.Errors;

namespace PgMove.Connections;

/// <summary>
/// Opens connections and turns driver failures into one-line <see cref="PgMoveException"/>s
/// that say which side failed and why, with a distinct exit code per kind of failure.
/// </summary>
public static class PgSession
{
    /// <summary>Opens a connection, mapping failures to clear errors.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, Side side, string display, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
        {
            await connection.DisposeAsync();
            throw Describe(e, side, display);
        }
    }

    /// <summary>Runs one statement and returns the first column of the first row.</summary>
    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        var value = await cmd.ExecuteScalarAsync(ct);
        return (T)value!;
    }

    /// <summary>Runs statements that return nothing.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The error a failed connection attempt stands for (see <see cref="ErrorMap"/>).</summary>
    public static PgMoveException Describe(Exception e, Side side, string display) =>
        ErrorMap.Map(e, $"{side.ToString().ToLowerInvariant()} {display}", connecting: true);
}
