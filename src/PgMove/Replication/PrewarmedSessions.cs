using Npgsql;
using PgMove.Connections;

namespace PgMove.Replication;

/// <summary>
/// Sessions opened ahead of the fence and handed back to Npgsql's pool, so that a later open with the same
/// connection string reuses them when the fenced database no longer admits new connections (a non-superuser's).
/// Their server pids are spared when the fence ends the database's other sessions.
/// </summary>
internal sealed class PrewarmedSessions : IAsyncDisposable
{
    readonly string _connectionString;

    PrewarmedSessions(string connectionString, IReadOnlyList<int> pids)
    {
        _connectionString = connectionString;
        Pids = pids;
    }

    public IReadOnlyList<int> Pids { get; }

    public static async Task<PrewarmedSessions> OpenAsync(string connectionString, string display, int count, CancellationToken ct)
    {
        var open = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < count; i++) open.Add(await PgSession.OpenAsync(connectionString, Side.Source, display, ct));
            return new PrewarmedSessions(connectionString, open.Select(c => c.ProcessID).ToList());
        }
        finally
        {
            foreach (var c in open) await c.DisposeAsync(); // back to the pool, still connected
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Pids.Count > 0)
        {
            using var connection = new NpgsqlConnection(_connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
        return ValueTask.CompletedTask;
    }
}
