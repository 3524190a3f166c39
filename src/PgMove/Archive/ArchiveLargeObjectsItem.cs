using Npgsql;
using PgMove.Connections;
using PgMove.Planning;

namespace PgMove.Archive;

/// <summary>
/// Fills the large objects (created by the pre-data section, with their owners) from the archive's file: its rows go
/// into a temporary table with COPY, then into the objects, in one transaction.
/// </summary>
/// <param name="directory">The archive directory.</param>
/// <param name="manifest">The archive's manifest.</param>
public sealed class ArchiveLargeObjectsItem(string directory, ArchiveManifest manifest)
    : WorkItem("archive:large-objects", WorkItemKind.LargeObjects, "restore large objects")
{
    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var file = manifest.Files[ArchiveManifest.LargeObjectsFile];
        await using var input = await ArchiveFiles.OpenCheckedAsync(directory, ArchiveManifest.LargeObjectsFile, file, "large objects", ct);
        await using var target = await context.OpenTargetAsync(ct);
        await using var tx = await target.BeginTransactionAsync(ct);
        var objects = await LoadAsync(target, input, ct);
        await tx.CommitAsync(ct);
        progress(objects, file.Size);
        return new WorkResult(objects, file.Size);
    }

    /// <summary>Fills the large objects from the archive's file, in the session's transaction; returns how many.</summary>
    /// <param name="target">A target session inside a transaction.</param>
    /// <param name="input">The checked, decompressed large-objects file.</param>
    /// <param name="ct">Stops the statements.</param>
    public static async Task<long> LoadAsync(NpgsqlConnection target, Stream input, CancellationToken ct)
    {
        await PgSession.ExecuteAsync(target, "CREATE TEMPORARY TABLE pgmove_large_objects (loid oid, data bytea) ON COMMIT DROP", ct);
        await using (var copy = await target.BeginRawBinaryCopyAsync("COPY pgmove_large_objects FROM STDIN (FORMAT binary)", ct))
            await input.CopyToAsync(copy, ct);
        await PgSession.ExecuteAsync(target, "SELECT count(pg_catalog.lo_create(loid)) FROM pgmove_large_objects " +
            "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_largeobject_metadata m WHERE m.oid = loid)", ct);
        var objects = await PgSession.ScalarAsync<long>(target, "SELECT count(pg_catalog.lo_put(loid, 0, data)) FROM pgmove_large_objects", ct);
        await PgSession.ExecuteAsync(target, "DROP TABLE pgmove_large_objects", ct);
        return objects;
    }
}
