namespace PgMove.Replication;

/// <summary>sync.json in the state directory: the running sync's progress, rewritten about once a second.</summary>
public sealed class SyncStateFile(string directory)
{
    readonly JsonStateFile<SyncState> _file = new(System.IO.Path.Combine(directory, "sync.json"));

    public string Directory { get; } = directory;
    public string Path => _file.Path;

    public void Write(SyncState state) => _file.Write(state with { UpdatedAt = DateTimeOffset.UtcNow });

    /// <summary>The last state written, or null when there is none (or it cannot be read).</summary>
    public SyncState? Read() => _file.Read();

    public void Delete() => _file.Delete();
}
