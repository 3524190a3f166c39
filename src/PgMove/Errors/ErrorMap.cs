using System.Net.Sockets;
using Npgsql;

namespace PgMove.Errors;

/// <summary>
/// The one place that turns an exception into the error the user sees and the exit code scripts get, for every
/// command: the same driver failure means the same exit code whichever command met it.
/// </summary>
public static class ErrorMap
{
    /// <summary>The <see cref="PgMoveException"/> <paramref name="e"/> stands for (itself when it already is one).</summary>
    /// <param name="e">Any exception a command ended with.</param>
    /// <param name="where">Which server, e.g. "source app@db:5432/shop"; prefixed to the message when given.</param>
    /// <param name="connecting">
    /// True while opening a session: a network failure then means the server cannot be reached (exit 3). Once a
    /// session was open, losing it is the failure of the step it was running (exit 10).
    /// </param>
    public static PgMoveException Map(Exception e, string? where = null, bool connecting = false)
    {
        var prefix = where is null ? "" : where + ": ";
        return e switch
        {
            PgMoveException known => known,
            PostgresException pg => FromServer(pg, prefix),
            NpgsqlException or TimeoutException or SocketException or IOException when connecting => Unreachable(e, prefix),
            NpgsqlException npgsql => new(ExitCode.StepFailed, $"{prefix}connection to the server lost ({RootReason(npgsql)})", e),
            _ => new(ExitCode.InternalError, $"internal error: {e}", e),
        };
    }

    static PgMoveException FromServer(PostgresException pg, string prefix) => pg.SqlState switch
    {
        PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
            new(ExitCode.AuthenticationFailed, $"{prefix}authentication failed ({pg.MessageText})", pg),
        PostgresErrorCodes.InvalidCatalogName => new(ExitCode.ConnectionFailed, $"{prefix}{pg.MessageText}", pg),
        PostgresErrorCodes.InsufficientPrivilege => new(ExitCode.InsufficientPrivilege, $"{prefix}permission denied ({pg.MessageText})", pg),
        PostgresErrorCodes.TooManyConnections => new(ExitCode.ConnectionFailed, $"{prefix}too many connections ({pg.MessageText})", pg),
        // The server's hint says which setting (53200 "out of shared memory": max_locks_per_transaction).
        _ => new(ExitCode.StepFailed, $"{prefix}{pg.Severity} {pg.SqlState}: {pg.MessageText}{(pg.Hint is { Length: > 0 } hint ? $" (hint: {hint})" : "")}", pg),
    };

    static PgMoveException Unreachable(Exception e, string prefix)
    {
        // Npgsql reports a missing password (no PGPASSWORD, no .pgpass entry) as a plain NpgsqlException.
        if (e.Message.Contains("password", StringComparison.OrdinalIgnoreCase))
            return new(ExitCode.AuthenticationFailed, $"{prefix}authentication failed ({e.Message})", e);
        var reason = e is TimeoutException || Root(e) is TimeoutException ? "connection timed out" : RootReason(e);
        return new(ExitCode.ConnectionFailed, $"{prefix}cannot connect ({reason})", e);
    }

    static Exception Root(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    static string RootReason(Exception e) => Root(e) is SocketException se ? se.Message : e.Message;
}
