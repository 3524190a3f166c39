using System.Data;
using Npgsql;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Verify;

/// <summary>
/// One side's snapshot: a REPEATABLE READ READ ONLY transaction kept open for the whole run, whose snapshot every
/// worker session imports, so all reads of that side (checksums, then bisection queries minutes later) see the
/// same data. The snapshot is exported here (<see cref="SnapshotHolder"/>) or imported from a name given by the caller.
/// </summary>
internal sealed class SideSnapshot : IAsyncDisposable
{
    readonly string _connectionString;
    readonly SnapshotHolder? _holder;
    readonly NpgsqlTransaction? _importTransaction;

    SideSnapshot(Side side, string display, string connectionString, NpgsqlConnection connection, string id,
        SnapshotHolder? holder, NpgsqlTransaction? importTransaction)
    {
        Side = side;
        Display = display;
        _connectionString = connectionString;
        Connection = connection;
        Id = id;
        _holder = holder;
        _importTransaction = importTransaction;
    }

    public Side Side { get; }
    public string Display { get; }
    /// <summary>The session holding the snapshot; catalog reads go through it.</summary>
    public NpgsqlConnection Connection { get; }
    /// <summary>The snapshot's name.</summary>
    public string Id { get; }

    /// <summary>Connects and exports a snapshot, or imports <paramref name="snapshotId"/> when given.</summary>
    public static async Task<SideSnapshot> OpenAsync(Side side, ConnectionSpec spec, string connectionString, string? snapshotId,
        CancellationToken ct)
    {
        var connection = await PgSession.OpenAsync(connectionString, side, spec.ToString(), ct);
        try
        {
            if (snapshotId is null)
            {
                var holder = await SnapshotHolder.ExportAsync(connection, ct);
                return new SideSnapshot(side, spec.ToString(), connectionString, connection, holder.Id, holder, null);
            }
            var tx = await ImportAsync(connection, snapshotId, side, spec.ToString(), ct);
            return new SideSnapshot(side, spec.ToString(), connectionString, connection, snapshotId, null, tx);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// ACCESS SHARE locks on the tables for the rest of the run, as pg_dump takes: TRUNCATE and table rewrites are not
    /// MVCC-safe (a snapshot taken before them sees the new, rewritten contents), so they must wait until verify ends.
    /// When the tables are more than the server's lock budget allows (see <see cref="LockBudget"/>), none is locked
    /// here: each read then releases its locks when done (<see cref="LocksAll"/> is false).
    /// </summary>
    public async Task LockAsync(IReadOnlyList<Catalog.VerifyTable> tables, CancellationToken ct)
    {
        LocksAll = (await LockBudget.ReadAsync(Connection, ct)).FitsAtOnce(tables.Count);
        if (!LocksAll) return;
        foreach (var batch in tables.Chunk(500))
            await PgSession.ExecuteAsync(Connection,
                $"LOCK TABLE {string.Join(", ", batch.Select(t => "ONLY " + t.QualifiedName))} IN ACCESS SHARE MODE", ct);
    }

    /// <summary>Whether <see cref="LockAsync"/> locked every table for the run (true until it is called).</summary>
    public bool LocksAll { get; private set; } = true;

    /// <summary>A new session of this side inside the snapshot.</summary>
    public async Task<NpgsqlConnection> OpenWorkerAsync(CancellationToken ct)
    {
        var connection = await PgSession.OpenAsync(_connectionString, Side, Display, ct);
        try
        {
            await ImportAsync(connection, Id, Side, Display, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    static async Task<NpgsqlTransaction> ImportAsync(NpgsqlConnection connection, string id, Side side, string display, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        try
        {
            await PgSession.ExecuteAsync(connection, $"SET TRANSACTION READ ONLY; SET TRANSACTION SNAPSHOT {Quote.Literal(id)}", ct);
            return tx;
        }
        catch (PostgresException e)
        {
            await tx.DisposeAsync();
            throw PgSession.Describe(e, side, display);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_holder is not null) await _holder.DisposeAsync();
        if (_importTransaction is not null) await _importTransaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
