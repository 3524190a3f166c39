using Npgsql;
using PgMove.Connections;
using PgMove.Planning;

namespace PgMove.Data;

/// <summary>
/// Copies the contents of large objects (pg_dump's pre-data section creates them, empty, with their owners),
/// in chunks so that no object has to fit in memory. Objects missing on the target are created with their OID.
/// </summary>
public sealed class LargeObjectCopyItem()
    : WorkItem("large-objects", WorkItemKind.LargeObjects, "copy large objects")
{
    const int ChunkSize = 1 << 20;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var transfer = await DataTransfer.OpenAsync(context, [], ct);
        var (source, target) = (transfer.Source, transfer.Target);

        var oids = new List<uint>();
        await using (var cmd = new NpgsqlCommand("SELECT oid FROM pg_largeobject_metadata ORDER BY oid", source))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) oids.Add(reader.GetFieldValue<uint>(0));

        long objects = 0, bytes = 0;
        foreach (var oid in oids)
        {
            await EnsureExistsAsync(target, oid, ct);
            // Redone after a source change: an object may have shrunk since the first run wrote it.
            if (Redo) await PgSession.ExecuteAsync(target, $"SELECT lo_truncate(lo_open({oid}, x'20000'::int), 0)", ct);
            for (long offset = 0; ; offset += ChunkSize)
            {
                var chunk = await ReadChunkAsync(source, oid, offset, ct);
                if (chunk.Length > 0) await WriteChunkAsync(target, oid, offset, chunk, ct);
                bytes += chunk.Length;
                if (chunk.Length < ChunkSize) break;
            }
            progress(++objects, bytes);
        }
        await transfer.CommitAsync(ct);
        return new WorkResult(objects, bytes);
    }

    static async Task EnsureExistsAsync(NpgsqlConnection target, uint oid, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT lo_create($1) WHERE NOT EXISTS (SELECT 1 FROM pg_largeobject_metadata WHERE oid = $1)", target);
        cmd.Parameters.Add(OidParameter(oid));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    static async Task<byte[]> ReadChunkAsync(NpgsqlConnection source, uint oid, long offset, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT lo_get($1, $2, $3)", source);
        cmd.Parameters.Add(OidParameter(oid));
        cmd.Parameters.AddWithValue(offset);
        cmd.Parameters.AddWithValue(ChunkSize);
        return (byte[])(await cmd.ExecuteScalarAsync(ct))!;
    }

    static async Task WriteChunkAsync(NpgsqlConnection target, uint oid, long offset, byte[] chunk, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT lo_put($1, $2, $3)", target);
        cmd.Parameters.Add(OidParameter(oid));
        cmd.Parameters.AddWithValue(offset);
        cmd.Parameters.AddWithValue(chunk);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    static NpgsqlParameter<uint> OidParameter(uint oid) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid, TypedValue = oid };
}
