using Npgsql;

namespace PgMove.Catalog;

/// <summary>Extensions installed in a database and extensions a server could install (its share directory).</summary>
public static class ExtensionCatalog
{
    /// <summary>Installed extensions of the connected database: name → version.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadInstalledAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT extname, extversion FROM pg_extension ORDER BY 1", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.GetString(1);
        return result;
    }

    /// <summary>
    /// Extensions the server can install, at their default version (the one a plain CREATE EXTENSION, as pg_dump
    /// writes it, installs), and whether installing that version needs a superuser (superuser and not trusted).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, AvailableExtension>> ReadAvailableAsync(
        NpgsqlConnection connection, int versionNum, CancellationToken ct)
    {
        // "trusted" exists from PostgreSQL 13 on; before that only superusers could install untrusted ones anyway.
        var trusted = versionNum >= 130000 ? "v.trusted" : "false";
        var sql = $"""
            SELECT a.name, a.default_version, coalesce(v.superuser, true) AND NOT coalesce({trusted}, false)
            FROM pg_available_extensions a
            LEFT JOIN pg_available_extension_versions v ON v.name = a.name AND v.version = a.default_version
            ORDER BY 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, AvailableExtension>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
            result[reader.GetString(0)] = new AvailableExtension(reader.GetString(0),
                reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetBoolean(2));
        return result;
    }
}
