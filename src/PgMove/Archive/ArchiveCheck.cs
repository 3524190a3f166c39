using Npgsql;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Archive;

/// <summary>The archive's integrity checks (<c>restore --check-only</c> and before a restore) and the row-count verify after one.</summary>
public static class ArchiveCheck
{
    /// <summary>Every file the manifest names is present and of its recorded size: the cheap check, before any change.</summary>
    /// <param name="directory">The archive directory.</param>
    /// <param name="manifest">The archive's manifest.</param>
    public static void CheckSizes(string directory, ArchiveManifest manifest)
    {
        foreach (var (name, file) in manifest.Files) ArchiveFiles.CheckSize(directory, name, file, Describe(manifest, name));
        foreach (var table in manifest.Tables.Where(t => !manifest.Files.ContainsKey(t.File)))
            throw new PgMoveException(ExitCode.ArchiveDamaged, $"archive {directory}: the manifest names no data file for table {table.Table.DisplayName}");
    }

    /// <summary>Every file read and its SHA-256 compared with the manifest's.</summary>
    /// <param name="directory">The archive directory.</param>
    /// <param name="manifest">The archive's manifest.</param>
    /// <param name="ct">Stops the check.</param>
    public static async Task CheckAllAsync(string directory, ArchiveManifest manifest, CancellationToken ct)
    {
        CheckSizes(directory, manifest);
        foreach (var (name, file) in manifest.Files) await ArchiveFiles.CheckAsync(directory, name, file, Describe(manifest, name), ct);
    }

    /// <summary>What a file holds, for messages: "rows of table public.actor", "schema (pg_dump archive)"….</summary>
    /// <param name="manifest">The archive's manifest.</param>
    /// <param name="name">The file's name.</param>
    public static string Describe(ArchiveManifest manifest, string name) => name switch
    {
        ArchiveManifest.SchemaFile => "schema (pg_dump archive)",
        ArchiveManifest.LargeObjectsFile => "large objects",
        _ when name.StartsWith(ArchiveManifest.SchemaFile + ".", StringComparison.Ordinal) =>
            $"schema (pg_dump archive, piece {int.Parse(name[(ArchiveManifest.SchemaFile.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture) + 1})",
        _ => manifest.Tables.FirstOrDefault(t => t.File == name) is { } t ? $"rows of table {t.Table.DisplayName}" : "unknown",
    };

    /// <summary>The tables whose row count on the target differs from the manifest's, as "table: target N, archive M".</summary>
    /// <param name="target">A session on the restored database.</param>
    /// <param name="manifest">The archive's manifest.</param>
    /// <param name="ct">Stops the counts.</param>
    public static async Task<IReadOnlyList<string>> CompareCountsAsync(NpgsqlConnection target, ArchiveManifest manifest, CancellationToken ct)
    {
        var differences = new List<string>();
        foreach (var table in manifest.Tables)
        {
            var count = await PgSession.ScalarAsync<long>(target, $"SELECT count(*) FROM ONLY {table.Table.QualifiedName}", ct);
            var expected = manifest.Files[table.File].Rows ?? 0;
            if (count != expected) differences.Add($"{table.Table.DisplayName}: target {count} rows, archive {expected}");
        }
        return differences;
    }
}
