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

    /// <summary>cutover.request: the id of the fence the cutover in progress is writing into the WAL, and once known the
    /// transaction id (32-bit xid) of the transaction that writes it.</summary>
    public void RequestFence(string id, uint? xid = null)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(System.IO.Path.Combine(Directory, "cutover.request"), xid is null ? id : $"{id} {xid}");
    }

    public bool IsRequestedFence(string id) => ReadRequest() is [var requested, ..] && requested == id;

    /// <summary>The fence id when <paramref name="xid"/> is the transaction that writes the requested fence (sources
    /// before PostgreSQL 14, whose pgoutput does not send the fence message itself, only its transaction).</summary>
    public string? FenceForTransaction(uint xid) =>
        ReadRequest() is [var id, var requested] && requested == xid.ToString(System.Globalization.CultureInfo.InvariantCulture) ? id : null;

    string[]? ReadRequest()
    {
        try
        {
            return File.ReadAllText(System.IO.Path.Combine(Directory, "cutover.request")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Delete()
    {
        try
        {
            File.Delete(Path);
            File.Delete(System.IO.Path.Combine(Directory, "cutover.request"));
        }
        catch (IOException)
        {
        }
    }
}
