using System.Text.Json;
using System.Text.Json.Serialization;

namespace PgMove.Replication;

/// <summary>cutover.json in the migration's state directory: the last cutover's outcome, for <c>pgmove status</c>.</summary>
public sealed class CutoverResultFile(string directory)
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string Path => System.IO.Path.Combine(directory, "cutover.json");

    public void Write(CutoverSummary summary)
    {
        Directory.CreateDirectory(directory);
        var result = new CutoverResult(DateTimeOffset.UtcNow, summary.WriteFreeze.TotalSeconds, summary.VerifyLevel.ToString().ToLowerInvariant(),
            summary.Verification?.Equal, summary.Verification?.SchemaDifferences.Count, summary.Verification?.DifferentTables, summary.LiftFenceSql, summary.Fence);
        var temp = Path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(result, Json));
        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>The last result written here, or null.</summary>
    public CutoverResult? Read()
    {
        try
        {
            return JsonSerializer.Deserialize<CutoverResult>(File.ReadAllText(Path), Json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
