using Npgsql;
using NpgsqlTypes;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// Applies the tables' folded changes (<see cref="SetWork"/>) set-based on the applier's session: the DELETEs and
/// UPDATEs of every table of a batch go in one round trip, each one statement over arrays of values (binary text
/// arrays, cast on the server; prepared by the session after two uses: <see cref="SetSql"/>), then each table's new
/// rows by one COPY straight into the table (COPY writes identity columns as given, like OVERRIDING SYSTEM VALUE).
/// </summary>
internal sealed class SetApplier(NpgsqlConnection target)
{
    /// <summary>
    /// Runs <paramref name="first"/> (a SAVEPOINT, say), then every table's DELETEs and UPDATEs, in one round trip;
    /// returns how many of those found no row.
    /// </summary>
    public async Task<long> ModifyAsync(NpgsqlTransaction transaction, string first, IEnumerable<SetWork> works, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(target, transaction) { BatchCommands = { new NpgsqlBatchCommand(first) } };
        var expected = new List<(NpgsqlBatchCommand Command, int Rows)>();
        foreach (var statement in works.SelectMany(w => w.Statements))
        {
            var command = new NpgsqlBatchCommand(statement.Sql);
            foreach (var array in statement.Arrays)
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = array });
            batch.BatchCommands.Add(command);
            expected.Add((command, statement.Rows));
        }
        await batch.ExecuteNonQueryAsync(ct);
        return expected.Sum(e => e.Rows - (long)e.Command.RecordsAffected);
    }

    /// <summary>Writes one table's new rows.</summary>
    public async Task InsertAsync(ApplyTable table, SetWork work, CancellationToken ct)
    {
        if (work.InsertText is { } rows)
        {
            await using var writer = await target.BeginTextImportAsync($"COPY {table.QualifiedName} {Quote.ColumnList(table.Columns)} FROM STDIN", ct);
            foreach (var piece in rows) await writer.WriteAsync(piece);
        }
        else
            for (var i = 0; i < work.Inserts; i++)
            {
                await using var cmd = new NpgsqlCommand($"INSERT INTO {table.QualifiedName} DEFAULT VALUES", target);
                await cmd.ExecuteNonQueryAsync(ct);
            }
    }
}
