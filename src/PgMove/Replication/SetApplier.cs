using System.Text;
using Npgsql;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// Applies one table's folded changes (<see cref="FoldedChanges"/>) set-based on the applier's session: the keys to
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

    /// <summary>Applies the folded changes; returns how many UPDATEs and DELETEs found no row.</summary>
    public async Task<long> ApplyAsync(ApplyTable table, FoldedChanges folded, CancellationToken ct)
    {
        long missed = 0;
        var updates = folded.Updates.Where(u => u.Unchanged is null).ToList();
        if (folded.Deletes.Count + updates.Count > 0)
        {
            var stage = await StageAsync(table, ct);
            await using (var writer = await target.BeginTextImportAsync(
                $"COPY {stage} ({Quote.Ident(KindColumn)}, {string.Join(", ", table.Columns.Select(Quote.Ident))}) FROM STDIN", ct))
            {
                var line = new StringBuilder();
                foreach (var row in folded.Deletes) await WriteAsync(writer, line, 'D', row, table.Key);
                foreach (var row in updates) await WriteAsync(writer, line, 'U', row, null);
            }
            if (folded.Deletes.Count > 0)
                missed += folded.Deletes.Count - await ExecuteAsync($"DELETE FROM ONLY {table.QualifiedName} t USING {stage} s " +
                                                                    $"WHERE s.{Quote.Ident(KindColumn)} = 'D' AND {KeyJoin(table)}", ct);
            if (updates.Count > 0 && UpdateFromSql(table, stage) is { } update)
                missed += updates.Count - await ExecuteAsync(update, ct);
        }
        foreach (var row in folded.Updates.Where(u => u.Unchanged is not null))
            if (table.Update(null, false, row) is { } command)
            {
                await using var batch = new NpgsqlBatch(target) { BatchCommands = { command } };
                if (await batch.ExecuteNonQueryAsync(ct) == 0) missed++;
            }
        if (folded.Inserts.Count > 0) await CopyInAsync(table, folded.Inserts, ct);
        return missed;
    }

    async Task CopyInAsync(ApplyTable table, IReadOnlyList<RowImage> rows, CancellationToken ct)
    {
        if (table.Columns.Count == 0)
        {
            foreach (var _ in rows) await ExecuteAsync($"INSERT INTO {table.QualifiedName} DEFAULT VALUES", ct);
            return;
        }
        await using var writer = await target.BeginTextImportAsync($"COPY {table.QualifiedName} {Quote.ColumnList(table.Columns)} FROM STDIN", ct);
        var line = new StringBuilder();
        foreach (var row in rows) await WriteAsync(writer, line, null, row, null);
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

    /// <summary>One line of COPY text format; with <paramref name="only"/>, the other columns are written as NULL.</summary>
    static async Task WriteAsync(TextWriter writer, StringBuilder line, char? kind, RowImage row, IReadOnlyList<bool>? only)
    {
        line.Clear();
        if (kind is { } k) line.Append(k);
        for (var i = 0; i < row.Values.Length; i++)
        {
            if (kind is not null || i > 0) line.Append('\t');
            if (row.Values[i] is not { } value || only is not null && !only[i]) line.Append("\\N");
            else Escape(line, value);
        }
        line.Append('\n');
        await writer.WriteAsync(line);
    }

    static void Escape(StringBuilder line, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': line.Append("\\\\"); break;
                case '\t': line.Append("\\t"); break;
                case '\n': line.Append("\\n"); break;
                case '\r': line.Append("\\r"); break;
                default: line.Append(c); break;
            }
        }
    }
}
