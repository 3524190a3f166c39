using Npgsql;

namespace PgMove.Catalog;

/// <summary>Compares the file a table had in the session's snapshot with the file it has now.</summary>
public static class FileNodeCatalog
{
    /// <summary>
    /// The tables among <paramref name="oids"/> whose file changed since the session's snapshot (pg_class read in the
    /// snapshot against pg_relation_filenode(), which reads the current catalog) or that no longer exist: their rows as
    /// of the snapshot are gone. Call it after locking the tables, so the answer holds while the lock is kept.
    /// </summary>
    /// <param name="connection">A session inside the snapshot.</param>
    /// <param name="oids">The tables' OIDs.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<uint>> ReadChangedAsync(NpgsqlConnection connection, IReadOnlyList<uint> oids, CancellationToken ct)
    {
        const string sql = """
            SELECT c.oid FROM pg_class c
            WHERE c.oid = ANY($1) AND NULLIF(c.relfilenode, 0) IS DISTINCT FROM pg_relation_filenode(c.oid)
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.Add(new NpgsqlParameter<uint[]> { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid, TypedValue = oids.ToArray() });
        var changed = new List<uint>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) changed.Add(reader.GetFieldValue<uint>(0));
        return changed;
    }
}
