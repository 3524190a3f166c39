using PgMove.Planning;

namespace PgMove.Archive;

/// <summary>
/// Writes the contents of every large object (OID and bytes, binary COPY) to one file of the archive. pg_dump's
/// pre-data section holds the objects themselves, with owners and privileges; this file holds what is in them.
/// Each object is read whole by the server (lo_get), so one object must stay under 1 GB.
/// </summary>
/// <param name="directory">The archive directory.</param>
/// <param name="journal">Where the file's record goes once it is complete and on disk.</param>
public sealed class LargeObjectsDumpItem(string directory, DumpJournal journal)
    : WorkItem("dump:large-objects", WorkItemKind.LargeObjects, "dump large objects")
{
    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var (source, tx) = await context.OpenSourceInSnapshotAsync(ct);
        await using (source)
        await using (tx)
        {
            await using var rows = await source.BeginRawBinaryCopyAsync(
                "COPY (SELECT oid, pg_catalog.lo_get(oid) FROM pg_catalog.pg_largeobject_metadata ORDER BY oid) TO STDOUT (FORMAT binary)", ct);
            long bytes = 0;
            var file = await Task.Factory.StartNew(() => ArchiveFiles.Write(Path.Combine(directory, ArchiveManifest.LargeObjectsFile),
                output => StreamCopy.Pump(rows, output, binary: true, (r, b) => { bytes = b; progress(r, b); })),
                ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            journal.Add(ArchiveManifest.LargeObjectsFile, file);
            return new WorkResult(file.Rows ?? 0, bytes);
        }
    }
}
