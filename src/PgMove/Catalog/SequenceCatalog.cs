using System.Text;
using Npgsql;
using PgMove.Connections;
using PgMove.Sql;

namespace PgMove.Catalog;

/// <summary>Lists sequences (identity and serial ones included) with their last_value and is_called.</summary>
public static class SequenceCatalog
{
    const int BatchSize = 500;

    /// <summary>Reads every sequence's position.</summary>
    /// <param name="connection">The session.</param>
    /// <param name="ct">Cancels the queries.</param>
    /// <param name="inTransaction">
    /// The session is inside a transaction (a snapshot's): each batch's locks are then released after it is read, so
    /// that thousands of sequences do not hold thousands of locks (see PgSession.ReleasingLocksAsync).
    /// </param>
    public static async Task<IReadOnlyList<SequenceInfo>> ReadAsync(NpgsqlConnection connection, CancellationToken ct, bool inTransaction = false)
    {
        const string listSql = """
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY 1, 2
            """;
        var names = new List<(string Schema, string Name)>();
        await using (var cmd = new NpgsqlCommand(listSql, connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) names.Add((reader.GetString(0), reader.GetString(1)));

        var result = new List<SequenceInfo>(names.Count);
        foreach (var batch in names.Chunk(BatchSize))
        {
            // One round trip per batch: SELECT … FROM seq1 UNION ALL SELECT … FROM seq2 …
            var sql = new StringBuilder();
            for (var i = 0; i < batch.Length; i++)
            {
                if (i > 0) sql.Append(" UNION ALL ");
                sql.Append($"SELECT {i}, last_value, is_called FROM {Quote.Qualified(batch[i].Schema, batch[i].Name)}");
            }
            if (inTransaction) result.AddRange(await PgSession.ReleasingLocksAsync(connection, () => ReadBatchAsync(connection, sql.ToString(), batch, ct), ct));
            else result.AddRange(await ReadBatchAsync(connection, sql.ToString(), batch, ct));
        }
        return result;
    }

    static async Task<List<SequenceInfo>> ReadBatchAsync(NpgsqlConnection connection, string sql, (string Schema, string Name)[] batch, CancellationToken ct)
    {
        var result = new List<SequenceInfo>(batch.Length);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (schema, name) = batch[reader.GetInt32(0)];
            result.Add(new SequenceInfo(schema, name, reader.GetInt64(1), reader.GetBoolean(2)));
        }
        return result;
    }
}
