using System.Collections.Concurrent;
using PgMove.Catalog;
using PgMove.Data;
using PgMove.Planning;

namespace PgMove.Archive;

/// <summary>
/// Writes one table's rows, read inside the dump's snapshot with the copy's own COPY (binary where exact, text
/// otherwise), to a zstd file of the archive, and records its size, checksum and row count.
/// </summary>
/// <param name="table">The table to dump.</param>
/// <param name="directory">The archive directory.</param>
/// <param name="files">Where the file's record goes once it is complete and on disk.</param>
public sealed class TableDumpItem(TableInfo table, string directory, ConcurrentDictionary<string, ArchiveFile> files)
    : WorkItem($"dump:{table.DisplayName}", WorkItemKind.TableData, $"dump {table.DisplayName}", table.Bytes)
{
    /// <summary>The table's data file, named by its OID so that any table name makes a valid file name.</summary>
    public static string FileOf(TableInfo table) => $"{table.Oid}.{TableLoader.Format(table)}.zst";

    public TableInfo Table { get; } = table;
    public override int TableCount => 1;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var (source, tx) = await context.OpenSourceInSnapshotAsync(ct);
        await using (source)
        await using (tx)
        {
            await using var rows = await TableLoader.OpenExportAsync(source, Table, null, ct);
            await using var interrupt = ct.Register(() => _ = Task.Run(async () => await rows.CancelAsync()));
            var name = FileOf(Table);
            long bytes = 0;
            var file = await Task.Factory.StartNew(() => ArchiveFiles.Write(Path.Combine(directory, name),
                output => StreamCopy.Pump(rows, output, Table.BinarySafe, (r, b) => { bytes = b; progress(r, b); })),
                ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            ct.ThrowIfCancellationRequested();
            files[name] = file;
            return new WorkResult(file.Rows ?? 0, bytes);
        }
    }
}
