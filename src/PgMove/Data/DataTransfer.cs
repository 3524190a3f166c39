using Npgsql;
using PgMove.Planning;

namespace PgMove.Data;

/// <summary>
/// A source session reading the run's snapshot and a target session, each inside its own transaction:
/// what every data item works with. Nothing is committed unless <see cref="CommitAsync"/> is reached.
/// </summary>
internal sealed class DataTransfer : IAsyncDisposable
{
    readonly NpgsqlTransaction _sourceTx;
    NpgsqlTransaction _targetTx;

    DataTransfer(NpgsqlConnection source, NpgsqlTransaction sourceTx, NpgsqlConnection target, NpgsqlTransaction targetTx)
    {
        Source = source;
        Target = target;
        _sourceTx = sourceTx;
        _targetTx = targetTx;
    }

    public NpgsqlConnection Source { get; }
    public NpgsqlConnection Target { get; }

    /// <summary>Opens both sessions; the source one locks <paramref name="tables"/> and checks them (SnapshotGuard).</summary>
    /// <param name="context">The run.</param>
    /// <param name="tables">The source tables the item reads.</param>
    /// <param name="ct">Cancels the opening.</param>
    public static async Task<DataTransfer> OpenAsync(WorkContext context, IReadOnlyList<Catalog.TableInfo> tables, CancellationToken ct)
    {
        var (source, sourceTx) = await context.OpenSourceInSnapshotAsync(ct);
        try
        {
            await SnapshotGuard.LockAsync(source, tables, ct);
            var target = await context.OpenTargetAsync(ct);
            return new DataTransfer(source, sourceTx, target, await target.BeginTransactionAsync(ct));
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
        await _sourceTx.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _targetTx.DisposeAsync();
        await Target.DisposeAsync();
        await _sourceTx.DisposeAsync();
        await Source.DisposeAsync();
    }
}
