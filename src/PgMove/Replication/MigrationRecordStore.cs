using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using PgMove.Connections;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>Reads and writes the <see cref="MigrationRecord"/> kept as the comment of pgmove's publication on the source.</summary>
internal static class MigrationRecordStore
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The record, or null when the publication does not exist or carries no readable record.</summary>
    public static async Task<MigrationRecord?> ReadAsync(NpgsqlConnection source, string publication, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT obj_description(oid, 'pg_publication') FROM pg_publication WHERE pubname = $1", source)
        { Parameters = { new() { Value = publication } } };
        if (await cmd.ExecuteScalarAsync(ct) is not string text) return null;
        try
        {
            return JsonSerializer.Deserialize<MigrationRecord>(text, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces the record; runs inside the caller's transaction when there is one.</summary>
    public static Task WriteAsync(NpgsqlConnection source, string publication, MigrationRecord record, CancellationToken ct) =>
        PgSession.ExecuteAsync(source,
            $"COMMENT ON PUBLICATION {Quote.Ident(publication)} IS {Quote.Literal(JsonSerializer.Serialize(record, Json))}", ct);
}
