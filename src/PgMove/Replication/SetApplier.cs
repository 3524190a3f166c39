using Npgsql;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// Applies one table's folded changes (<see cref="SetWork"/>) set-based on the applier's session: the keys to
/// delete and the rows to update are staged with one COPY into a session-local temporary table, then one DELETE ...
/// USING and one UPDATE ... FROM join it to the table by the replica identity key; the new rows are COPYed straight
/// into the table (COPY writes identity columns as given, like OVERRIDING SYSTEM VALUE). Updates whose image lacks
/// unsent TOAST values (not known from earlier in the batch) are sent one statement each.
/// </summary>
internal sealed class SetApplier(NpgsqlConnection target)
{
    const string KindColumn = "pgmove_kind";
    readonly Dictionary<ApplyTable, string> _stages = [];
    readonly List<ApplyTable> _createdSinceMark = [];
    int _created;

    /// <summary>The staging tables created so far are there to stay (their savepoint was released).</summary>
    public void Mark() => _createdSinceMark.Clear();

    /// <summary>The savepoint was rolled back: the staging tables created since <see cref="Mark"/> are gone with it.</summary>
    public void RolledBack()
    {
        foreach (var table in _createdSinceMark) _stages.Remove(table);
        _createdSinceMark.Clear();
    }

    /// <summary>Applies one table's rendered changes; returns how many UPDATEs and DELETEs found no row.</summary>
    public async Task<long> ApplyAsync(ApplyTable table, SetWork work, CancellationToken ct)
    {
        long missed = 0;
        if (work.StageText is { } staged)
        {
            var stage = await StageAsync(table, ct);
            await using (var writer = await target.BeginTextImportAsync(
                $"COPY {stage} ({Quote.Ident(KindColumn)}, {string.Join(", ", table.Columns.Select(Quote.Ident))}) FROM STDIN", ct))
                foreach (var piece in staged) await writer.WriteAsync(piece);
            if (work.Deletes > 0)
                missed += work.Deletes - await ExecuteAsync($"DELETE FROM ONLY {table.QualifiedName} t USING {stage} s " +
                                                            $"WHERE s.{Quote.Ident(KindColumn)} = 'D' AND {KeyJoin(table)}", ct);
            if (work.Updates > 0 && UpdateFromSql(table, stage) is { } update)
                missed += work.Updates - await ExecuteAsync(update, ct);
        }
        foreach (var row in work.PartialUpdates)
            if (table.Update(null, false, row) is { } command)
            {
                await using var batch = new NpgsqlBatch(target) { BatchCommands = { command } };
                if (await batch.ExecuteNonQueryAsync(ct) == 0) missed++;
            }
        if (work.InsertText is { } rows)
        {
            await using var writer = await target.BeginTextImportAsync($"COPY {table.QualifiedName} {Quote.ColumnList(table.Columns)} FROM STDIN", ct);
            foreach (var piece in rows) await writer.WriteAsync(piece);
        }
        else
            for (var i = 0; i < work.Inserts; i++) await ExecuteAsync($"INSERT INTO {table.QualifiedName} DEFAULT VALUES", ct);
        return missed;
    }

    /// <summary>The session's staging table for <paramref name="table"/> (created on first use), emptied.</summary>
    async Task<string> StageAsync(ApplyTable table, CancellationToken ct)
    {
        if (_stages.TryGetValue(table, out var stage))
        {
            await ExecuteAsync($"TRUNCATE {stage}", ct);
            return stage;
        }
        stage = "pg_temp." + Quote.Ident("pgmove_stage_" + _created++);
        var columns = table.Columns.Select((c, i) => $"{Quote.Ident(c)} {table.Types[i]}");
        await ExecuteAsync($"CREATE TEMPORARY TABLE {stage} ({Quote.Ident(KindColumn)} \"char\", {string.Join(", ", columns)})", ct);
        _stages[table] = stage;
        _createdSinceMark.Add(table);
        return stage;
    }

    static string? UpdateFromSql(ApplyTable table, string stage)
    {
        var set = Enumerable.Range(0, table.Columns.Count).Where(i => !table.Key[i] && !table.IdentityAlways[i])
            .Select(i => $"{Quote.Ident(table.Columns[i])} = s.{Quote.Ident(table.Columns[i])}").ToList();
        return set.Count == 0
            ? null
            : $"UPDATE ONLY {table.QualifiedName} t SET {string.Join(", ", set)} FROM {stage} s WHERE s.{Quote.Ident(KindColumn)} = 'U' AND {KeyJoin(table)}";
    }

    static string KeyJoin(ApplyTable table) =>
        string.Join(" AND ", Enumerable.Range(0, table.Columns.Count).Where(i => table.Key[i])
            .Select(i => $"t.{Quote.Ident(table.Columns[i])} = s.{Quote.Ident(table.Columns[i])}"));

    async Task<int> ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, target);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
