using System.Threading.Channels;
using Npgsql;
using PgMove.Catalog;
using PgMove.Errors;
using PgMove.Indexes;
using PgMove.Planning;

namespace PgMove.Data;

/// <summary>
/// Copies a batch of small tables in one source and one target transaction and, in that same target transaction,
/// builds their indexes and keys and analyzes them: one item and one commit where per-table items would pay a
/// session, a snapshot import and four round trips each for a few kilobytes.
/// </summary>
public sealed class SmallTablesItem(int number, IReadOnlyList<(TableInfo Table, IReadOnlyList<IndexInfo> Indexes)> tables, long cost)
    : WorkItem($"tables:batch-{number}", WorkItemKind.TableData, $"copy {tables.Count} small tables (batch {number})", cost)
{
    public IReadOnlyList<(TableInfo Table, IReadOnlyList<IndexInfo> Indexes)> Tables { get; } = tables;
    public override int TableCount => Tables.Count;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var transfer = await DataTransfer.OpenAsync(context, Tables.Select(t => t.Table).ToList(), ct);
        var (rows, bytes) = transfer.Rows is null ? await LoadOverlappedAsync(transfer, progress, ct) : await LoadInTurnAsync(transfer, progress, ct);
        await using var batch = new NpgsqlBatch(transfer.Target);
        foreach (var (table, indexes) in Tables)
        {
            foreach (var statement in IndexStatements.Whole(table, indexes)) batch.BatchCommands.Add(new(statement));
            batch.BatchCommands.Add(new($"ANALYZE {table.QualifiedName}"));
        }
        await batch.ExecuteNonQueryAsync(ct);
        TargetFiles = await TargetFileNodes.ReadAsync(transfer.Target, Tables.Select(t => t.Table), ct);
        await transfer.CommitAsync(ct);
        return new WorkResult(rows, bytes);
    }

    /// <summary>An archive's rows: each table streamed from its file in turn.</summary>
    async Task<(long Rows, long Bytes)> LoadInTurnAsync(DataTransfer transfer, Action<long, long> progress, CancellationToken ct)
    {
        long rows = 0, bytes = 0;
        foreach (var (table, _) in Tables)
        {
            var (r, b) = (rows, bytes);
            var loaded = await Named(table, () => TableLoader.LoadAsync(transfer, table, null, freeze: false,
                (tableRows, tableBytes) => progress(r + tableRows, b + tableBytes), ct, tiny: true), ct);
            rows += loaded.Rows;
            bytes += loaded.Bytes;
        }
        return (rows, bytes);
    }

    /// <summary>
    /// From the source: the source session reads the next tables ahead (a few at most, each under
    /// CopyPlan.SmallTableBytes on disk and ReadAheadBytes in memory) while the target session loads the one before, so the round trips of one session
    /// overlap the other's instead of adding up (10,000 tiny tables: the machine's 2 cores were a quarter idle).
    /// </summary>
    async Task<(long Rows, long Bytes)> LoadOverlappedAsync(DataTransfer transfer, Action<long, long> progress, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var read = Channel.CreateBounded<(TableInfo Table, ReadAheadRows Rows)>(new BoundedChannelOptions(ReadAhead) { SingleReader = true, SingleWriter = true });
        var reader = Task.Run(() => ReadAllAsync(transfer, read.Writer, stop.Token), CancellationToken.None);
        long rows = 0, bytes = 0;
        try
        {
            await foreach (var (table, data) in read.Reader.ReadAllAsync(stop.Token))
            {
                var (r, b) = (rows, bytes);
                var loaded = await Named(table, () => TableLoader.LoadReadAsync(transfer.Target, table, data,
                    (tableRows, tableBytes) => progress(r + tableRows, b + tableBytes), stop.Token), stop.Token);
                rows += loaded.Rows;
                bytes += loaded.Bytes;
            }
            await reader;
        }
        catch
        {
            // The source session must be idle before the transfer is disposed: the reader stopped, a COPY it left open
            // for a table not loaded is cancelled (the table being loaded closed its own).
            await stop.CancelAsync();
            await reader.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            while (read.Reader.TryRead(out var left)) await left.Rows.DisposeAsync();
            throw;
        }
        return (rows, bytes);
    }

    const int ReadAhead = 4;

    /// <summary>The most bytes of one table held in memory ahead of its load; past that it streams (ReadAheadRows).</summary>
    const int ReadAheadBytes = 8 * 1024 * 1024;

    async Task ReadAllAsync(DataTransfer transfer, ChannelWriter<(TableInfo, ReadAheadRows)> read, CancellationToken ct)
    {
        try
        {
            foreach (var (table, _) in Tables)
            {
                var rows = await Named(table, () => TableLoader.ReadAheadAsync(transfer.Source, table, ReadAheadBytes, ct), ct);
                try
                {
                    await read.WriteAsync((table, rows), ct);
                }
                catch
                {
                    await rows.DisposeAsync();
                    throw;
                }
                // A COPY left open holds the session until the loader has read it to its end.
                if (rows.Live) await rows.Closed.WaitAsync(ct);
            }
            read.Complete();
        }
        catch (Exception e)
        {
            read.Complete(e);
            throw;
        }
    }

    /// <summary>One table's step of the batch; a failure names that table, since the item's label names only the batch.</summary>
    static async Task<T> Named<T>(TableInfo table, Func<Task<T>> step, CancellationToken ct)
    {
        try
        {
            return await step();
        }
        catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
        {
            var cause = ErrorMap.Map(e);
            throw new PgMoveException(cause.ExitCode, $"copy of table {table.DisplayName} failed: {cause.Message}", e);
        }
    }
}
