using Npgsql;
using PgMove.Planning;

namespace PgMove.Data;

/// <summary>
/// A source session reading the run's snapshot and a target session, each inside its own transaction:
/// what every data item works with. Nothing is committed unless <see cref="CommitAsync"/> is reached.
/// </summary>
internal sealed class DataTransfer : IAsyncDisposable
{
    readonly NpgsqlTransaction? _sourceTx;
    NpgsqlTransaction _targetTx;
    readonly NpgsqlConnection? _source;

    DataTransfer(NpgsqlConnection? source, NpgsqlTransaction? sourceTx, NpgsqlConnection target, NpgsqlTransaction targetTx, IRowSource? rows)
    {
        _source = source;
        Target = target;
        _sourceTx = sourceTx;
        _targetTx = targetTx;
        Rows = rows;
    }

    /// <summary>The source session in the snapshot (not there when the rows come from <see cref="Rows"/>).</summary>
    public NpgsqlConnection Source => _source ?? throw new InvalidOperationException("this run reads no source server");
    public NpgsqlConnection Target { get; }
    /// <summary>The archive the rows come from, or null when they come from the source server.</summary>
    public IRowSource? Rows { get; }

    /// <summary>Opens both sessions; the source one locks <paramref name="tables"/> and checks them (SnapshotGuard).</summary>
    /// <param name="context">The run.</param>
    /// <param name="tables">The source tables the item reads.</param>
    /// <param name="ct">Cancels the opening.</param>
    public static async Task<DataTransfer> OpenAsync(WorkContext context, IReadOnlyList<Catalog.TableInfo> tables, CancellationToken ct)
    {
        if (context.Rows is { } rows)
        {
            var alone = await context.OpenTargetAsync(ct);
            return new DataTransfer(null, null, alone, await alone.BeginTransactionAsync(ct), rows);
        }
        var (source, sourceTx) = await context.OpenSourceInSnapshotAsync(ct);
        try
        {
            await SnapshotGuard.LockAsync(source, tables, ct);
            var target = await context.OpenTargetAsync(ct);
            return new DataTransfer(source, sourceTx, target, await target.BeginTransactionAsync(ct), null);
        }
        catch
        {
            await sourceTx.DisposeAsync();
            await source.DisposeAsync();
            throw;
        }
    }

    /// <summary>Commits the target's transaction so far and begins the next one (the source's stays open).</summary>
    /// <param name="ct">Cancels the commit.</param>
    public async Task CommitTargetAsync(CancellationToken ct)
    {
        await _targetTx.CommitAsync(ct);
        await _targetTx.DisposeAsync();
        _targetTx = await Target.BeginTransactionAsync(ct);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        await _targetTx.CommitAsync(ct);
        if (_sourceTx is not null) await _sourceTx.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _targetTx.DisposeAsync();
        await Target.DisposeAsync();
        if (_sourceTx is not null) await _sourceTx.DisposeAsync();
        if (_source is not null) await _source.DisposeAsync();
    }
}
