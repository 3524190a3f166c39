using System.Buffers;
using System.Diagnostics;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Data;

/// <summary>
/// Streams a table's rows, or one slice of them, from a source session to a target session with COPY, the bytes
/// passing straight through. A big whole table is loaded after TRUNCATE with COPY … FREEZE in the caller's
/// transaction (no later freezing vacuum, no WAL under wal_level=minimal); slices load side by side without either,
/// and so do small tables, where the TRUNCATE's new files would cost more than freezing a few pages ever will.
/// Binary format where it is exact, text otherwise.
/// </summary>
internal static class TableLoader
{
    const int BufferSize = 256 * 1024;
    /// <summary>Npgsql buffer size for the sessions that stream rows (see <see cref="ConnectionSpec.ToNpgsql"/>).</summary>
    public const int SocketBufferBytes = 256 * 1024;
    static readonly long ProgressEveryTicks = Stopwatch.Frequency / 4;

    /// <param name="slice">A boolean SQL condition selecting the slice, or null for the whole table.</param>
    /// <param name="freeze">For a whole table: TRUNCATE and COPY … FREEZE when the target user may truncate it.</param>
    /// <param name="transfer">
    /// The sessions: a source session inside the copy's snapshot, or an archive's rows (<see cref="DataTransfer.Rows"/>),
    /// and a target session in the caller's transaction.
    /// </param>
    /// <param name="table">The table to load.</param>
    /// <param name="progress">Called with rows and bytes moved so far, a few times a second.</param>
    /// <param name="ct">Interrupts the COPY on both servers.</param>
    /// <param name="tiny">
    /// A table of a few pages: its bytes are pumped on the calling thread, where a thread of its own would cost more
    /// than the few turns of the loop.
    /// </param>
    public static async Task<WorkResult> LoadAsync(DataTransfer transfer, TableInfo table, string? slice, bool freeze,
        Action<long, long> progress, CancellationToken ct, bool tiny = false)
    {
        var target = transfer.Target;
        var frozen = false;
        // An archive's rows are checked before the table is touched: a damaged file leaves the table as it was.
        var input = transfer.Rows is { } rows ? await rows.OpenAsync(table, ct) : null;
        if (slice is null && freeze && await TryTruncateAsync(target, table, ct)) frozen = true;
        input ??= await OpenExportAsync(transfer.Source, table, slice, ct);
        return await PipeAsync(input, target, CopyInSql(table, frozen), table.BinarySafe, tiny, progress, ct);
    }

    /// <summary>
    /// Reads a small table's rows (<c>COPY … TO STDOUT</c>, its --where applied) ahead of its load, so that the next
    /// table's read overlaps this one's load (<see cref="SmallTablesItem"/>): whole into memory up to
    /// <paramref name="cap"/> bytes, past that with the COPY left open for the loader (<see cref="ReadAheadRows"/>).
    /// </summary>
    /// <param name="source">A session inside the snapshot.</param>
    /// <param name="table">The table to read.</param>
    /// <param name="cap">The most bytes kept in memory.</param>
    /// <param name="ct">Stops the read.</param>
    public static async Task<ReadAheadRows> ReadAheadAsync(NpgsqlConnection source, TableInfo table, int cap, CancellationToken ct) =>
        await ReadAheadRows.ReadAsync(await OpenExportAsync(source, table, null, ct), cap, ct);

    /// <summary>Loads rows read beforehand (<see cref="ReadAheadAsync"/>) into a small table, without FREEZE.</summary>
    /// <param name="target">A target session in the caller's transaction.</param>
    /// <param name="table">The table to load.</param>
    /// <param name="rows">The table's COPY bytes.</param>
    /// <param name="progress">Called with rows and bytes moved.</param>
    /// <param name="ct">Interrupts the COPY.</param>
    public static Task<WorkResult> LoadReadAsync(NpgsqlConnection target, TableInfo table, Stream rows, Action<long, long> progress,
        CancellationToken ct) =>
        PipeAsync(rows, target, CopyInSql(table, false), table.BinarySafe, tiny: true, progress, ct);

    /// <summary>The <c>COPY … FROM STDIN</c> that loads the table's rows, in the format <see cref="Format"/> chooses.</summary>
    /// <param name="table">The table to load.</param>
    /// <param name="freeze">With FREEZE: the table must have been created or truncated in the loading transaction.</param>
    public static string CopyInSql(TableInfo table, bool freeze) =>
        $"COPY {table.QualifiedName}{ColumnList(table)} FROM STDIN (FORMAT {Format(table)}{(freeze ? ", FREEZE" : "")})";

    /// <summary>Binary format where it is exact, text otherwise: the one rule for the copy and the archive.</summary>
    public static string Format(TableInfo table) => table.BinarySafe ? "binary" : "text";

    static string ColumnList(TableInfo table) => table.Columns.Count > 0 ? " " + Quote.ColumnList(table.Columns) : "";

    /// <summary>Starts <c>COPY … TO STDOUT</c> of the table (or of one slice) on a source session; the raw bytes are returned.</summary>
    /// <param name="source">A session inside the snapshot.</param>
    /// <param name="table">The table to read.</param>
    /// <param name="slice">A boolean SQL condition selecting a slice, or null for the whole table.</param>
    /// <param name="ct">Stops the start of the COPY.</param>
    public static Task<NpgsqlRawCopyStream> OpenExportAsync(NpgsqlConnection source, TableInfo table, string? slice, CancellationToken ct)
    {
        string copyOut;
        // A --where condition is the user's SQL, run as it is in the source's read-only snapshot transaction.
        var filter = table.Where is { } where ? slice is null ? $"({where})" : $"({slice}) AND ({where})" : slice;
        if (filter is null) copyOut = $"COPY {table.QualifiedName}{ColumnList(table)} TO STDOUT (FORMAT {Format(table)})";
        else
        {
            var select = table.Columns.Count > 0 ? string.Join(", ", table.Columns.Select(Quote.Ident)) : "";
            copyOut = $"COPY (SELECT {select} FROM ONLY {table.QualifiedName} WHERE {filter}) TO STDOUT (FORMAT {Format(table)})";
        }
        return BeginAsync(source, copyOut, table.BinarySafe, export: true, ct);
    }

    static async Task<bool> TryTruncateAsync(NpgsqlConnection target, TableInfo table, CancellationToken ct)
    {
        // Without the TRUNCATE privilege (a table owned by another role), load without FREEZE into the fresh table.
        var allowed = await PgSession.ScalarAsync<bool>(target,
            $"SELECT has_table_privilege({Quote.Literal(table.QualifiedName)}, 'TRUNCATE')", ct);
        if (allowed) await PgSession.ExecuteAsync(target, $"TRUNCATE ONLY {table.QualifiedName}", ct);
        return allowed;
    }

    static async Task<WorkResult> PipeAsync(Stream input, NpgsqlConnection target, string copyIn,
        bool binary, bool tiny, Action<long, long> progress, CancellationToken ct)
    {
        NpgsqlRawCopyStream output;
        try
        {
            output = await BeginAsync(target, copyIn, binary, export: false, ct);
        }
        catch
        {
            await input.DisposeAsync();
            throw;
        }
        var counter = new CopyRowCounter(binary);
        long bytes;
        try
        {
            // Blocking reads and writes ignore the token: an interruption asks both servers to end their COPY with
            // an error instead, from the thread pool (not the thread that cancels, maybe the signal handler's).
            await using var interrupt = ct.Register(() => _ = Task.Run(() => InterruptAsync(input, target)));
            bytes = tiny
                ? Pump(input, output, counter, progress, ct)
                : await Task.Factory.StartNew(() => Pump(input, output, counter, progress, ct), ct,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch
        {
            // Never let a half-read stream complete the COPY on the target: CopyFail rolls it back.
            await CancelQuietlyAsync(output);
            if (input is NpgsqlRawCopyStream raw) await CancelQuietlyAsync(raw);
            else await input.DisposeAsync();
            throw;
        }
        await input.DisposeAsync();
        await output.DisposeAsync(); // completes the COPY on the target
        progress(counter.Rows, bytes);
        return new WorkResult(counter.Rows, bytes);
    }

    /// <summary>
    /// The byte loop, on a thread of its own with blocking reads and writes. The server sends one CopyData message
    /// per row and the raw stream returns at most one message per read, so this loop turns once per row; awaiting
    /// each turn cost a second of CPU per 10 million rows on the bench, CPU the servers sharing the machine need.
    /// </summary>
    static long Pump(Stream input, NpgsqlRawCopyStream output, CopyRowCounter counter,
        Action<long, long> progress, CancellationToken ct)
    {
        // Pooled: a new 256 kB array per table is a large-object-heap allocation, and 10,000 of them kept the
        // background GC busy for seconds.
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            return PumpWith(buffer, input, output, counter, progress, ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static long PumpWith(byte[] buffer, Stream input, NpgsqlRawCopyStream output, CopyRowCounter counter,
        Action<long, long> progress, CancellationToken ct)
    {
        long bytes = 0, lastReport = Stopwatch.GetTimestamp();
        int n, turns = 0;
        while ((n = input.Read(buffer, 0, BufferSize)) > 0)
        {
            var chunk = buffer.AsSpan(0, n);
            counter.Feed(chunk);
            output.Write(chunk);
            bytes += n;
            if (++turns % 1024 == 0 && Stopwatch.GetTimestamp() - lastReport > ProgressEveryTicks)
            {
                progress(counter.Rows, bytes);
                lastReport = Stopwatch.GetTimestamp();
            }
        }
        ct.ThrowIfCancellationRequested();
        return bytes;
    }

    /// <summary>
    /// The source gets a cancel request; the target, whose session may be blocked in a write to a stalled server,
    /// gets pg_cancel_backend from a session of its own (allowed for one's own sessions). Best effort: the run is
    /// ending, and whatever does not answer is closed with the process.
    /// </summary>
    static async Task InterruptAsync(Stream input, NpgsqlConnection target)
    {
        try
        {
            if (input is NpgsqlRawCopyStream raw) await raw.CancelAsync();
            else if (input is ReadAheadRows rows) await rows.CancelAsync();
            var settings = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Pooling = false, Timeout = 5 };
            await using var other = target.CloneWith(settings.ConnectionString);
            await other.OpenAsync();
            await PgSession.ExecuteAsync(other, $"SELECT pg_cancel_backend({target.ProcessID})", CancellationToken.None);
        }
        catch (Exception)
        {
            // Best effort, on a run that is ending: a server that does not answer, or a stream that ended at this very
            // moment (Npgsql may then fail inside), changes nothing; the sessions close with the process.
        }
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
