using Npgsql;
using NpgsqlTypes;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;

namespace PgMove.Data;

/// <summary>
/// Copies one share of the large objects. Objects missing on the target are created with their OID, in batches; with
/// <paramref name="setOwners"/> (pgmove, not pg_dump's pre-data section, creates them: see CopyPlan) each gets its
/// source owner too, and LargeObjectExtrasItem adds their comments and privileges afterwards. The objects are dealt into
/// <paramref name="parts"/> shares by OID, one item each, so that --jobs sessions copy them side by side. Objects go in
/// batches: one query reads the first <see cref="FirstChunk"/> bytes of a whole batch, one batch of statements writes
/// them, and the target commits after each batch; only the bytes of bigger objects are then moved chunk by chunk, so
/// that no object has to fit in memory.
/// </summary>
/// <param name="part">This item's share, from 0.</param>
/// <param name="parts">How many shares there are.</param>
/// <param name="cost">What the scheduler expects the item to cost, in bytes moved.</param>
/// <param name="setOwners">Give each object its source owner (unless --no-owner).</param>
public sealed class LargeObjectCopyItem(int part = 0, int parts = 1, long cost = 0, bool setOwners = false)
    : WorkItem(parts == 1 ? "large-objects" : $"large-objects#{part + 1}", WorkItemKind.LargeObjects,
        parts == 1 ? "copy large objects" : $"copy large objects part {part + 1}/{parts}", cost)
{
    const int ChunkSize = 1 << 20;
    const int FirstChunk = 64 << 10;
    const int BatchObjects = 500;

    /// <summary>Objects one item is planned for: more objects than this are dealt into several items.</summary>
    public const long ObjectsPerItem = 20_000;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var transfer = await DataTransfer.OpenAsync(context, [], ct);
        var (source, target) = (transfer.Source, transfer.Target);
        var oids = await LargeObjectCatalog.ListAsync(source, part, parts, ct);
        var owners = setOwners && !context.RestoreOptions.NoOwner;
        var targetUser = owners ? await PgSession.ScalarAsync<string>(target, "SELECT current_user::text", ct) : "";
        long objects = 0, bytes = 0;
        foreach (var batch in oids.Chunk(BatchObjects))
        {
            var (first, owner) = await PgSession.ReleasingLocksAsync(source, () => ReadFirstChunksAsync(source, batch, ct), ct);
            await WriteFirstChunksAsync(target, batch, first, owners ? Enumerable.Range(0, batch.Length)
                .Where(i => owner[i] != targetUser).Select(i => (batch[i], owner[i])).ToList() : [], ct);
            for (var i = 0; i < batch.Length; i++)
            {
                bytes += first[i].Length;
                if (first[i].Length == FirstChunk) bytes += await CopyRestAsync(source, target, batch[i], ct);
            }
            // Each object written keeps the session's lock on it until commit: commit per batch.
            await transfer.CommitTargetAsync(ct);
            objects += batch.Length;
            progress(objects, bytes);
        }
        await transfer.CommitAsync(ct);
        return new WorkResult(objects, bytes);
    }

    /// <summary>The first chunk of each object, and its owner's name.</summary>
    static async Task<(byte[][] Chunks, string[] Owners)> ReadFirstChunksAsync(NpgsqlConnection source, uint[] oids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT lo_get(u.o, 0, {FirstChunk}), pg_get_userbyid(m.lomowner)::text FROM unnest($1) WITH ORDINALITY AS u(o, n) " +
            "JOIN pg_largeobject_metadata m ON m.oid = u.o ORDER BY u.n", source);
        cmd.Parameters.Add(OidsParameter(oids));
        var (chunks, owners) = (new byte[oids.Length][], new string[oids.Length]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        for (var i = 0; await reader.ReadAsync(ct); i++) (chunks[i], owners[i]) = (reader.GetFieldValue<byte[]>(0), reader.GetString(1));
        return (chunks, owners);
    }

    /// <summary>
    /// Creates the objects pre-data did not, gives them their owners, empties them when redone (an object may have
    /// shrunk), writes the chunks: one round trip.
    /// </summary>
    async Task WriteFirstChunksAsync(NpgsqlConnection target, uint[] oids, byte[][] chunks, IReadOnlyList<(uint Oid, string Owner)> owners,
        CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(target);
        batch.BatchCommands.Add(Command("SELECT lo_create(o) FROM unnest($1) o " +
                                        "WHERE NOT EXISTS (SELECT 1 FROM pg_largeobject_metadata m WHERE m.oid = o)", oids));
        foreach (var (oid, owner) in owners)
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"ALTER LARGE OBJECT {oid} OWNER TO {Sql.Quote.Ident(owner)}"));
        if (Redo) batch.BatchCommands.Add(Command("SELECT lo_truncate(lo_open(o, x'20000'::int), 0) FROM unnest($1) o", oids));
        var put = Command("SELECT lo_put(u.o, 0, u.d) FROM unnest($1, $2) AS u(o, d) WHERE length(u.d) > 0", oids);
        put.Parameters.Add(new NpgsqlParameter<byte[][]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = chunks });
        batch.BatchCommands.Add(put);
        await batch.ExecuteNonQueryAsync(ct);
    }

    static NpgsqlBatchCommand Command(string sql, uint[] oids)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(OidsParameter(oids));
        return command;
    }

    /// <summary>The bytes of an object past its first chunk, moved a chunk at a time; returns how many.</summary>
    static async Task<long> CopyRestAsync(NpgsqlConnection source, NpgsqlConnection target, uint oid, CancellationToken ct)
    {
        long bytes = 0;
        for (long offset = FirstChunk; ; offset += ChunkSize)
        {
            var chunk = await ReadChunkAsync(source, oid, offset, ct);
            if (chunk.Length > 0) await WriteChunkAsync(target, oid, offset, chunk, ct);
            bytes += chunk.Length;
            if (chunk.Length < ChunkSize) return bytes;
        }
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

    static NpgsqlParameter<uint> OidParameter(uint oid) => new() { NpgsqlDbType = NpgsqlDbType.Oid, TypedValue = oid };

    static NpgsqlParameter<uint[]> OidsParameter(uint[] oids) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid, TypedValue = oids };
}
