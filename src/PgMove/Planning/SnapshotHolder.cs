using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Sql;

namespace PgMove.Planning;

/// <summary>
/// Keeps a REPEATABLE READ transaction open on the source and exports its snapshot, so pg_dump and every
/// data worker see the database as of one instant while applications keep writing. The tables to copy are
/// locked in ACCESS SHARE mode, as pg_dump does, so no DDL can change or drop them under the copy.
/// </summary>
public sealed class SnapshotHolder : IAsyncDisposable
{
    readonly NpgsqlConnection _connection;
    NpgsqlTransaction? _transaction;

    SnapshotHolder(NpgsqlConnection connection, NpgsqlTransaction transaction, string id)
    {
        _connection = connection;
        _transaction = transaction;
        Id = id;
    }

    /// <summary>The exported snapshot's name, for SET TRANSACTION SNAPSHOT and pg_dump --snapshot.</summary>
    public string Id { get; }

    /// <summary>The connection inside the snapshot, for catalog reads that must match the data.</summary>
    public NpgsqlConnection Connection => _connection;

    public static async Task<SnapshotHolder> ExportAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await PgSession.ExecuteAsync(connection, "SET TRANSACTION READ ONLY", ct);
        var id = await PgSession.ScalarAsync<string>(connection, "SELECT pg_export_snapshot()", ct);
        return new SnapshotHolder(connection, tx, id);
    }

    /// <summary>
    /// Holds a snapshot exported elsewhere (a replication slot's, for <c>pgmove sync</c>) instead of exporting one:
    /// the exporter must stay idle while this and every worker import it.
    /// </summary>
    public static async Task<SnapshotHolder> ImportAsync(NpgsqlConnection connection, string snapshot, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await PgSession.ExecuteAsync(connection, $"SET TRANSACTION READ ONLY; SET TRANSACTION SNAPSHOT {Quote.Literal(snapshot)}", ct);
        return new SnapshotHolder(connection, tx, snapshot);
    }

    /// <summary>
    /// A new source session inside a read-only transaction that imports <paramref name="snapshot"/>: it sees what the
    /// holder sees, so catalog reads and data sessions can run beside each other.
    /// </summary>
    /// <param name="connectionString">The source's connection string.</param>
    /// <param name="display">The source as shown in messages.</param>
    /// <param name="snapshot">The exported snapshot's name.</param>
    /// <param name="ct">Cancels the connection and the import.</param>
    public static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> OpenImportedAsync(string connectionString,
        string display, string snapshot, CancellationToken ct)
    {
        var connection = await PgSession.OpenAsync(connectionString, Side.Source, display, ct);
        try
        {
            var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            await PgSession.ExecuteAsync(connection, $"SET TRANSACTION READ ONLY; SET TRANSACTION SNAPSHOT {Quote.Literal(snapshot)}", ct);
            return (connection, tx);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a session of its own inside this snapshot (<see cref="OpenImportedAsync"/>),
    /// which is closed after it.
    /// </summary>
    /// <param name="connectionString">The source's connection string.</param>
    /// <param name="display">The source as shown in messages.</param>
    /// <param name="read">The catalog read.</param>
    /// <param name="ct">Cancels the connection and the read.</param>
    public async Task<T> ReadBesideAsync<T>(string connectionString, string display, Func<NpgsqlConnection, CancellationToken, Task<T>> read,
        CancellationToken ct)
    {
        var (connection, tx) = await OpenImportedAsync(connectionString, display, Id, ct);
        await using (connection)
        await using (tx)
            return await read(connection, ct);
    }

    /// <summary>Takes ACCESS SHARE locks on the tables, in batches to keep statements short.</summary>
    public async Task LockAsync(IEnumerable<TableInfo> tables, CancellationToken ct)
    {
        foreach (var batch in tables.Chunk(500))
            await PgSession.ExecuteAsync(_connection,
                $"LOCK TABLE {string.Join(", ", batch.Select(t => "ONLY " + t.QualifiedName))} IN ACCESS SHARE MODE", ct);
    }

    /// <summary>Ends the transaction: the snapshot and the locks are released.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        if (_transaction is null) return;
        await _transaction.CommitAsync(ct);
        await _transaction.DisposeAsync();
        _transaction = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
