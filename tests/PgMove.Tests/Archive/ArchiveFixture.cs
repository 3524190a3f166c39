using System.Text.Json;

namespace PgMove.Tests.Archive;

/// <summary>Archive directories for the tests, and where a table's rows are in one.</summary>
internal static class ArchiveFixture
{
    public static string NewDirectory() => Path.Combine(Path.GetTempPath(), "pgmove-tests", "archive-" + Guid.NewGuid().ToString("N"));

    /// <summary>The data file of <paramref name="table"/>, as the archive's manifest names it.</summary>
    public static string DataFile(string archive, string table)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(archive, "manifest.json")));
        var entry = manifest.RootElement.GetProperty("Tables").EnumerateArray()
            .Single(t => t.GetProperty("Table").GetProperty("Name").GetString() == table);
        return Path.Combine(archive, entry.GetProperty("File").GetString()!);
    }
}
