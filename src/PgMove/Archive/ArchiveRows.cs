using PgMove.Catalog;
using PgMove.Data;
using PgMove.Errors;

namespace PgMove.Archive;

/// <summary>The rows of a restore: each table's file, checked against the manifest before it is opened.</summary>
/// <param name="directory">The archive directory.</param>
/// <param name="manifest">The archive's manifest.</param>
public sealed class ArchiveRows(string directory, ArchiveManifest manifest) : IRowSource
{
    readonly Dictionary<uint, string> _files = manifest.Tables.ToDictionary(t => t.Table.Oid, t => t.File);

    public Task<Stream> OpenAsync(TableInfo table, CancellationToken ct)
    {
        if (!_files.TryGetValue(table.Oid, out var name) || !manifest.Files.TryGetValue(name, out var file))
            throw new PgMoveException(ExitCode.ArchiveDamaged, $"archive {directory}: the manifest names no data file for table {table.DisplayName}");
        return ArchiveFiles.OpenCheckedAsync(directory, name, file, $"rows of table {table.DisplayName}", ct);
    }
}
