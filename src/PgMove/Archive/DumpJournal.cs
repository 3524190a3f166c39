using System.Collections.Concurrent;
using System.Text.Json;

namespace PgMove.Archive;

/// <summary>
/// The files of a dump as they complete: kept for the manifest, and appended (one JSON line each, flushed to disk
/// after the file itself) to <c>dump-state/files.jsonl</c>, so that <c>dump --resume</c> knows what an interrupted
/// dump finished. A line torn by a kill is ignored: its file is written again.
/// </summary>
public sealed class DumpJournal
{
    /// <summary>The journal's name in the state directory.</summary>
    public const string FileName = "files.jsonl";

    readonly ConcurrentDictionary<string, ArchiveFile> _files = new(StringComparer.Ordinal);
    readonly string _path;
    readonly Lock _write = new();

    /// <param name="stateDirectory">The dump's state directory (created if missing).</param>
    public DumpJournal(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        _path = Path.Combine(stateDirectory, FileName);
    }

    /// <summary>The files recorded so far, by name.</summary>
    public IReadOnlyDictionary<string, ArchiveFile> Files => _files;

    /// <summary>Records a complete file, already on disk.</summary>
    /// <param name="name">The file's name in the archive.</param>
    /// <param name="file">Its size, checksum and rows.</param>
    public void Add(string name, ArchiveFile file)
    {
        _files[name] = file;
        var line = JsonSerializer.Serialize(new Entry(name, file)) + "\n";
        lock (_write)
        {
            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(line));
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Keeps a file an earlier run recorded (and the resume checked) without writing the journal again.</summary>
    /// <param name="name">The file's name in the archive.</param>
    /// <param name="file">Its record.</param>
    public void Keep(string name, ArchiveFile file) => _files[name] = file;

    /// <summary>What an earlier run recorded in <paramref name="stateDirectory"/>, the last record of a name winning.</summary>
    /// <param name="stateDirectory">The dump's state directory.</param>
    public static IReadOnlyDictionary<string, ArchiveFile> Read(string stateDirectory)
    {
        var result = new Dictionary<string, ArchiveFile>(StringComparer.Ordinal);
        var path = Path.Combine(stateDirectory, FileName);
        if (!File.Exists(path)) return result;
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<Entry>(line) is { Name: not null, File: not null } entry) result[entry.Name] = entry.File;
            }
            catch (JsonException)
            {
                // The torn last line of a killed run.
            }
        }
        return result;
    }

    sealed record Entry(string Name, ArchiveFile File);
}
