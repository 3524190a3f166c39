using Npgsql;

namespace PgMove.Catalog;

/// <summary>Reads the settings that size a server's shared lock table.</summary>
public static class LockCapacityCatalog
{
    /// <summary>
    /// max_locks_per_transaction and the slots it is multiplied by: max_connections, autovacuum_max_workers (+1 for the
    /// launcher), max_worker_processes, max_wal_senders and max_prepared_transactions, as PostgreSQL sizes the table.
    /// </summary>
    /// <param name="connection">Any session on the server.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<(int LocksPerTransaction, int Slots)> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT current_setting('max_locks_per_transaction')::int,
                   current_setting('max_connections')::int + current_setting('autovacuum_max_workers')::int + 1
                   + current_setting('max_worker_processes')::int + current_setting('max_wal_senders')::int
                   + current_setting('max_prepared_transactions')::int
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
