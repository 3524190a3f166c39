using System.Text.Json;
using System.Text.Json.Serialization;

namespace PgMove.Replication;

/// <summary>
/// A small JSON file of a migration's local state, replaced atomically (write, then rename) so that a reader never
/// sees half a file; one that is missing or unreadable reads as null.
/// </summary>
internal sealed class JsonStateFile<T>(string path) where T : class
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    readonly Lock _lock = new();

    public string Path => path;

    public void Write(T value)
    {
        lock (_lock)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var temp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(value, Json));
            File.Move(temp, path, overwrite: true);
        }
    }

    public T? Read()
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json);
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
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
