using PgMove.Catalog;
using PgMove.Data;
using PgMove.Planning;

namespace PgMove.Archive;

/// <summary>
/// Writes one table's rows, read inside the dump's snapshot with the copy's own COPY, to a zstd file of the archive,
/// and records its size, checksum and row count. The format is the copy's (binary where exact, text otherwise) but
/// for tables whose columns are mostly of variable width, which the archive keeps in text (<see cref="AsArchived"/>).
/// </summary>
/// <param name="table">The table to dump.</param>
/// <param name="directory">The archive directory.</param>
/// <param name="journal">Where the file's record goes once it is complete and on disk.</param>
public sealed class TableDumpItem(TableInfo table, string directory, DumpJournal journal)
    : WorkItem($"dump:{table.DisplayName}", WorkItemKind.TableData, $"dump {table.DisplayName}", table.Bytes)
{
    /// <summary>The table's data file, named by its OID so that any table name makes a valid file name.</summary>
    public static string FileOf(TableInfo table) => $"{table.Oid}.{TableLoader.Format(table)}.zst";

    /// <summary>
    /// The table as the archive holds it: in text when most of its columns are of variable width (text, bytea, json,
    /// numeric…). Their binary form loads no faster than their text and compresses worse: on the bench's wide table
    /// (text, jsonb, numeric, bytea) zstd made 173 MB of the binary COPY and 125 MB of the text one (pg_dump's gzip:
    /// 138 MB). Fixed-width columns (integers, timestamps, floats) keep binary, which spares the target parsing them.
    /// The manifest records the table with this format, so the restore loads the file as it was written.
    /// </summary>
    /// <param name="table">The table as the catalog read it.</param>
    /// <param name="mostlyVariableWidth">The tables whose columns are mostly of variable width (ColumnWidthCatalog).</param>
    public static TableInfo AsArchived(TableInfo table, IReadOnlySet<uint> mostlyVariableWidth) =>
        table.BinarySafe && mostlyVariableWidth.Contains(table.Oid) ? table with { BinarySafe = false } : table;

    public TableInfo Table { get; } = table;
    public override int TableCount => 1;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var (source, tx) = await context.OpenSourceInSnapshotAsync(ct);
        await using (source)
        await using (tx)
        {
            // As a copy's data session: the holder may not have locked every table (a dump in pieces).
            await SnapshotGuard.LockAsync(source, [Table], ct);
            await using var rows = await TableLoader.OpenExportAsync(source, Table, null, ct);
            await using var interrupt = ct.Register(() => _ = Task.Run(async () => await rows.CancelAsync()));
            var name = FileOf(Table);
            long bytes = 0;
            var file = await Task.Factory.StartNew(() => ArchiveFiles.Write(Path.Combine(directory, name),
                output => StreamCopy.Pump(rows, output, Table.BinarySafe, (r, b) => { bytes = b; progress(r, b); })),
                ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            ct.ThrowIfCancellationRequested();
            journal.Add(name, file with { Columns = Table.Columns });
            return new WorkResult(file.Rows ?? 0, bytes);
        }
    }
}
