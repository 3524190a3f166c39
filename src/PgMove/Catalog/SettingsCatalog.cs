using Npgsql;

namespace PgMove.Catalog;

/// <summary>Server settings an archive records beside its rows: those that shape the text form of values.</summary>
public static class SettingsCatalog
{
    static readonly string[] Recorded =
    [
        "server_encoding", "lc_collate", "lc_ctype", "DateStyle", "IntervalStyle", "TimeZone", "standard_conforming_strings",
        "extra_float_digits", "bytea_output", "data_checksums", "block_size",
    ];

    /// <summary>The recorded settings, by name, as the source reports them.</summary>
    /// <param name="connection">A source session.</param>
    /// <param name="ct">Stops the query.</param>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("SELECT name, setting FROM pg_catalog.pg_settings WHERE name = ANY($1)", connection);
        cmd.Parameters.AddWithValue(Recorded);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) settings[reader.GetString(0)] = reader.GetString(1);
        return settings;
    }
}
