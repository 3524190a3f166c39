using System.Text.Json;
using PgMove.Catalog;
using PgMove.Errors;

namespace PgMove.Archive;

/// <summary>
/// manifest.json: what an archive holds (the copy's plan input, sequences, every file's size and checksum) and where
/// it came from. Written last and atomically, so an archive without it is one whose dump did not finish.
/// </summary>
public sealed record ArchiveManifest
{
    public const string FileName = "manifest.json";
    public const string SchemaFile = "schema.dump";
    public const string LargeObjectsFile = "large-objects.zst";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public int FormatVersion { get; init; } = 1;
    public required DateTimeOffset Created { get; init; }
    public required string SourceVersion { get; init; }
    public required int SourceVersionNum { get; init; }
    /// <summary>The source database: name, encoding, locale, owner, its own settings.</summary>
    public required DatabaseInfo Database { get; init; }
    /// <summary>Server settings that shape the rows' text form (DateStyle, IntervalStyle, standard_conforming_strings…).</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }
    public required IReadOnlyList<ArchivedTable> Tables { get; init; }
    public required IReadOnlyList<IndexInfo> Indexes { get; init; }
    public required IReadOnlyList<ConstraintInfo> ForeignKeys { get; init; }
    public required IReadOnlyList<AnalyzeTarget> Analyzable { get; init; }
    public required bool RestoreNeedsBuiltKeys { get; init; }
    public required IReadOnlyList<SequenceInfo> Sequences { get; init; }
    public required long LargeObjects { get; init; }
    /// <summary>The roles the database depends on, without passwords, for restore --roles (null in archives of older versions).</summary>
    public ArchivedRoles? Roles { get; init; }
    /// <summary>
    /// The schema's pieces when pg_dump could not lock every table at once (null, and left out, for a schema in one file
    /// and in archives of older versions).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ArchivedPieces? Pieces { get; init; }
    /// <summary>Every file but the manifest, by name relative to the archive directory.</summary>
    public required IReadOnlyDictionary<string, ArchiveFile> Files { get; init; }

    /// <summary>Writes the manifest to a temporary file, flushes it to disk, then renames it into place.</summary>
    /// <param name="directory">The archive directory.</param>
    /// <param name="ct">Stops the write.</param>
    public async Task SaveAsync(string directory, CancellationToken ct)
    {
        var temporary = Path.Combine(directory, FileName + ".tmp");
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(file, this, Json, ct);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path.Combine(directory, FileName), overwrite: true);
    }

    /// <summary>Reads the manifest; refuses an archive without one (an unfinished dump) or with an unreadable one.</summary>
    /// <param name="directory">The archive directory.</param>
    /// <param name="ct">Stops the read.</param>
    public static async Task<ArchiveManifest> LoadAsync(string directory, CancellationToken ct)
    {
        if (!Directory.Exists(directory))
            throw new PgMoveException(ExitCode.Usage, $"archive directory {directory} does not exist");
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new PgMoveException(ExitCode.ArchiveDamaged,
                $"archive {directory} is incomplete: it has no {FileName} (its dump did not finish); re-run pgmove dump");
        try
        {
            await using var file = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<ArchiveManifest>(file, Json, ct)
                   ?? throw new JsonException("empty manifest");
        }
        catch (JsonException e)
        {
            throw new PgMoveException(ExitCode.ArchiveDamaged, $"archive file {path} is damaged ({e.Message}); re-run pgmove dump", e);
        }
    }
}
