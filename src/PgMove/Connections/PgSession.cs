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

    /// <summary>
    /// Runs reads inside a savepoint that is rolled back afterwards, in a session's open transaction: the locks the reads
    /// took (ACCESS SHARE on every table or sequence read) are released, while the transaction, and so its snapshot,
    /// stays. A session reading thousands of tables in one snapshot otherwise holds a lock on each until it ends, and
    /// the server's shared lock table runs out (53200 "out of shared memory").
    /// </summary>
    /// <param name="connection">A session inside a transaction.</param>
    /// <param name="body">The reads; it must write nothing (the rollback undoes it).</param>
    /// <param name="ct">Cancels the statements.</param>
    public static async Task<T> ReleasingLocksAsync<T>(NpgsqlConnection connection, Func<Task<T>> body, CancellationToken ct)
    {
        await ExecuteAsync(connection, "SAVEPOINT pgmove_read", ct);
        var result = await body();
        await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT pgmove_read; RELEASE SAVEPOINT pgmove_read", ct);
        return result;
    }

    /// <summary>The error a failed connection attempt stands for (see <see cref="ErrorMap"/>).</summary>
    public static PgMoveException Describe(Exception e, Side side, string display) =>
        ErrorMap.Map(e, $"{side.ToString().ToLowerInvariant()} {display}", connecting: true);
}
