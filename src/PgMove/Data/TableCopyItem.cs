using System.Diagnostics;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Data;

/// <summary>
/// Streams one table's rows from the source (inside the run's snapshot) into the target with COPY, bytes passing
/// straight through. The target side runs TRUNCATE then COPY … FREEZE in one transaction, so a retried item
/// starts clean and the loaded rows need no later freezing vacuum. Binary format where it is exact, text otherwise.
/// </summary>
public sealed class TableCopyItem(TableInfo table, long priority)
    : WorkItem($"table:{table.DisplayName}", WorkItemKind.TableData, $"copy {table.DisplayName}", priority)
{
    const int BufferSize = 256 * 1024;
    static readonly long ProgressEveryTicks = Stopwatch.Frequency / 4;

    public TableInfo Table { get; } = table;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var transfer = await DataTransfer.OpenAsync(context, ct);
        var (source, target) = (transfer.Source, transfer.Target);

        var truncated = await TryTruncateAsync(target, ct);
        var columns = Table.Columns.Count > 0 ? " " + Quote.ColumnList(Table.Columns) : "";
        var format = Table.BinarySafe ? "binary" : "text";
        var freeze = truncated ? ", FREEZE" : "";
        var copyOut = $"COPY {Table.QualifiedName}{columns} TO STDOUT (FORMAT {format})";
        var copyIn = $"COPY {Table.QualifiedName}{columns} FROM STDIN (FORMAT {format}{freeze})";

        var result = await PipeAsync(source, target, copyOut, copyIn, Table.BinarySafe, progress, ct);
        await transfer.CommitAsync(ct);
        return result;
    }

    async Task<bool> TryTruncateAsync(NpgsqlConnection target, CancellationToken ct)
    {
        // Without the TRUNCATE privilege (a table owned by another role), load without FREEZE into the fresh table.
        var allowed = await PgSession.ScalarAsync<bool>(target,
            $"SELECT has_table_privilege({Quote.Literal(Table.QualifiedName)}, 'TRUNCATE')", ct);
        if (allowed) await PgSession.ExecuteAsync(target, $"TRUNCATE ONLY {Table.QualifiedName}", ct);
        return allowed;
    }

    static async Task<WorkResult> PipeAsync(NpgsqlConnection source, NpgsqlConnection target, string copyOut, string copyIn,
        bool binary, Action<long, long> progress, CancellationToken ct)
    {
        var input = await BeginAsync(source, copyOut, binary, export: true, ct);
        var output = await BeginAsync(target, copyIn, binary, export: false, ct);
        var counter = new CopyRowCounter(binary);
        var buffer = new byte[BufferSize];
        long bytes = 0, lastReport = Stopwatch.GetTimestamp();
        try
        {
            int n;
            while ((n = await input.ReadAsync(buffer, ct)) > 0)
            {
                counter.Feed(buffer.AsSpan(0, n));
                await output.WriteAsync(buffer.AsMemory(0, n), ct);
                bytes += n;
                if (Stopwatch.GetTimestamp() - lastReport > ProgressEveryTicks)
                {
                    progress(counter.Rows, bytes);
                    lastReport = Stopwatch.GetTimestamp();
                }
            }
        }
        catch
        {
            // Never let a half-read stream complete the COPY on the target: CopyFail rolls it back.
            await CancelQuietlyAsync(output);
            await CancelQuietlyAsync(input);
            throw;
        }
        await input.DisposeAsync();
        await output.DisposeAsync(); // completes the COPY on the target
        progress(counter.Rows, bytes);
        return new WorkResult(counter.Rows, bytes);
    }

    // Text COPY has no raw API in Npgsql, but its text reader/writer wrap the same raw copy stream, which is used
    // directly so bytes are neither decoded nor re-encoded (both sessions use the same client_encoding).
    static async Task<NpgsqlRawCopyStream> BeginAsync(NpgsqlConnection connection, string sql, bool binary, bool export,
        CancellationToken ct)
    {
        if (binary) return await connection.BeginRawBinaryCopyAsync(sql, ct);
        var stream = export
            ? ((StreamReader)await connection.BeginTextExportAsync(sql, ct)).BaseStream
            : ((StreamWriter)await connection.BeginTextImportAsync(sql, ct)).BaseStream;
        return (NpgsqlRawCopyStream)stream;
    }

    static async Task CancelQuietlyAsync(NpgsqlRawCopyStream stream)
    {
        try
        {
            await stream.CancelAsync();
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or OperationCanceledException)
        {
            // The connection is being torn down anyway; the transaction rolls back with it.
        }
    }
}
