using System.Text.Json;
using System.Text.Json.Serialization;

namespace PgMove.Replication;

/// <summary>sync.json in the state directory, replaced atomically (write then rename) so readers never see half a file.</summary>
public sealed class SyncStateFile(string directory)
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    readonly Lock _lock = new();

    public string Directory { get; } = directory;
    public string Path => System.IO.Path.Combine(Directory, "sync.json");

    public void Write(SyncState state)
    {
        lock (_lock)
        {
            System.IO.Directory.CreateDirectory(Directory);
            var temp = Path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(state with { UpdatedAt = DateTimeOffset.UtcNow }, Json));
            File.Move(temp, Path, overwrite: true);
        }
    }

    /// <summary>The last state written, or null when there is none (or it cannot be read).</summary>
    public SyncState? Read()
    {
        try
        {
            return JsonSerializer.Deserialize<SyncState>(File.ReadAllText(Path), Json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Delete()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
