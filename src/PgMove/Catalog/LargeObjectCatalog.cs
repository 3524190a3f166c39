using Npgsql;

namespace PgMove.Catalog;

/// <summary>Large objects as verify compares them: how many, and an order-independent checksum of OIDs and contents.</summary>
public static class LargeObjectCatalog
{
    /// <summary>"N large objects, checksum S", or null when there are none.</summary>
    public static async Task<string?> DescribeAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT count(*), coalesce(sum(hashtextextended(m.oid::text || ':' || encode(lo_get(m.oid), 'hex'), 7)), 0)::text
            FROM pg_largeobject_metadata m
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var count = reader.GetInt64(0);
        return count == 0 ? null : $"{count} large objects, checksum {reader.GetString(1)}";
    }

    /// <summary>The OIDs of one share of the large objects (oid modulo <paramref name="parts"/>), in order.</summary>
    /// <param name="connection">A session inside the snapshot.</param>
    /// <param name="part">The share, from 0.</param>
    /// <param name="parts">How many shares the objects are dealt into.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<uint>> ListAsync(NpgsqlConnection connection, int part, int parts, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT oid FROM pg_largeobject_metadata WHERE oid::bigint % {parts} = {part} ORDER BY oid", connection);
        var oids = new List<uint>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) oids.Add(reader.GetFieldValue<uint>(0));
        return oids;
    }
}
