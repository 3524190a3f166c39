using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Indexes;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Sql;

namespace PgMove.Resume;

/// <summary>
/// The target side of a resume: first checks that what the interrupted run finished is still there as pgmove left it
/// (nothing is changed when it is not), then undoes what unfinished items may have left so that each can run again.
/// </summary>
public static class TargetCleanup
{
    /// <summary>Refuses when something the interrupted run finished was dropped, truncated or rewritten since.</summary>
    /// <param name="target">A session on the target database.</param>
    /// <param name="items">The rebuilt plan.</param>
    /// <param name="journal">The interrupted run's journal.</param>
    /// <param name="ct">Cancels the checks.</param>
    public static async Task VerifyUntouchedAsync(NpgsqlConnection target, IReadOnlyList<WorkItem> items, ItemJournal journal,
        CancellationToken ct)
    {
        foreach (var item in items.Where(i => journal[i.Id]?.State == WorkItemState.Done))
        {
            var missing = item switch
            {
                _ when journal[item.Id]!.Files is { } files => await RewrittenAsync(target, files, ResumePlanner.TablesOf(item), ct),
                IndexBuildItem b => await ExistsAsync(target, $"SELECT to_regclass({Literal(b.Table.Schema, b.Index.Name)}) IS NOT NULL " +
                    $"OR to_regclass({Literal(b.Table.Schema, b.Index.Constraint?.Name ?? b.Index.Name)}) IS NOT NULL", ct) ? null : $"index {b.Index.Name}",
                TableKeysItem k => await FirstMissingConstraintAsync(target, k.Table,
                    k.Indexes.Where(i => i.Constraint is { CanUseIndex: true }).Select(i => i.Constraint!.Name), ct),
                ForeignKeyItem f => await FirstMissingConstraintAsync(target, f.Table, [f.ForeignKey.Name], ct),
                _ => null,
            };
            if (missing is not null)
                throw RunManifest.Refuse($"--resume: the target was changed since the interrupted run, not by pgmove ({missing}, " +
                                         $"which {item.Label} had made); start over with --clean; nothing was changed");
        }
    }

    /// <summary>The first of the item's tables whose file is not the one the run recorded (gone, truncated or rewritten).</summary>
    /// <param name="target">A target session.</param>
    /// <param name="files">The recorded file of each table, by display name.</param>
    /// <param name="tables">The item's tables: their names, quoted from their parts (a schema or a name may hold a dot).</param>
    /// <param name="ct">Cancels the queries.</param>
    static async Task<string?> RewrittenAsync(NpgsqlConnection target, IReadOnlyDictionary<string, uint> files, IEnumerable<TableInfo> tables,
        CancellationToken ct)
    {
        var byDisplay = tables.GroupBy(t => t.DisplayName).ToDictionary(g => g.Key, g => g.First());
        foreach (var (table, file) in files)
        {
            var name = byDisplay.TryGetValue(table, out var info) ? info.QualifiedName : QuotedDisplay(table);
            var now = await PgSession.ScalarAsync<long>(target,
                $"SELECT coalesce(pg_relation_filenode(to_regclass({Quote.Literal(name)}))::bigint, -1)", ct);
            if (now < 0) return $"table {table} is gone";
            if (now != file) return $"table {table} was truncated or rewritten";
        }
        return null;
    }

    // Display names are schema.name; the journal keeps them so, the catalog needs them quoted. Only for a name the plan
    // no longer has (its item's tables are matched by their parts first).
    static string QuotedDisplay(string display)
    {
        var dot = display.IndexOf('.');
        return Quote.Qualified(display[..dot], display[(dot + 1)..]);
    }

    static string Literal(string schema, string name) => Quote.Literal(Quote.Qualified(schema, name));

    static async Task<string?> FirstMissingConstraintAsync(NpgsqlConnection target, TableInfo table, IEnumerable<string> names,
        CancellationToken ct)
    {
        foreach (var name in names)
            if (!await ConstraintExistsAsync(target, table, name, ct)) return $"constraint {name} on {table.DisplayName}";
        return null;
    }

    static Task<bool> ConstraintExistsAsync(NpgsqlConnection target, TableInfo table, string name, CancellationToken ct) =>
        ExistsAsync(target, $"SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass({Quote.Literal(table.QualifiedName)}) " +
                            $"AND conname = {Quote.Literal(name)})", ct);

    static Task<bool> ExistsAsync(NpgsqlConnection target, string sql, CancellationToken ct) => PgSession.ScalarAsync<bool>(target, sql, ct);

    /// <summary>Undoes what the unfinished items may have left; returns true when foreign keys pgmove does not add itself were dropped.</summary>
    /// <param name="target">A session on the target database.</param>
    /// <param name="items">The rebuilt plan, states set by <see cref="ResumePlanner"/>.</param>
    /// <param name="decision">What the resume redoes.</param>
    /// <param name="sink">Receives what was undone.</param>
    /// <param name="ct">Cancels the cleanup.</param>
    public static async Task<bool> RunAsync(NpgsqlConnection target, IReadOnlyList<WorkItem> items, ResumeDecision decision,
        IProgressSink sink, CancellationToken ct)
    {
        var statements = new List<string>();
        var ownKeys = items.OfType<ForeignKeyItem>().Select(f => (f.Table.DisplayName, f.ForeignKey.Name)).ToHashSet();
        var foreignDropped = false;
        foreach (var (sql, table, name) in await ForeignKeysOnAsync(target, decision.TablesToEmpty, ct))
        {
            statements.Add(sql);
            foreignDropped |= !ownKeys.Contains((table, name));
        }
        foreach (var fk in items.OfType<ForeignKeyItem>().Where(f => f.State != WorkItemState.Done))
            statements.Add($"ALTER TABLE ONLY {fk.Table.QualifiedName} DROP CONSTRAINT IF EXISTS {Quote.Ident(fk.ForeignKey.Name)}");
        foreach (var keys in items.OfType<TableKeysItem>().Where(k => k.State != WorkItemState.Done))
            await AdoptCommittedKeysAsync(target, keys, decision, ct);
        foreach (var (table, index) in decision.IndexesToDrop)
        {
            if (index.Constraint is { } c)
                statements.Add($"ALTER TABLE ONLY {table.QualifiedName} DROP CONSTRAINT IF EXISTS {Quote.Ident(c.Name)}");
            statements.Add($"DROP INDEX IF EXISTS {Quote.Qualified(table.Schema, index.Name)}");
        }
        foreach (var table in decision.TablesToEmpty)
            statements.Add(await PgSession.ScalarAsync<bool>(target, $"SELECT has_table_privilege({Quote.Literal(table.QualifiedName)}, 'TRUNCATE')", ct)
                ? $"TRUNCATE ONLY {table.QualifiedName}"
                : $"DELETE FROM ONLY {table.QualifiedName}");
        // Every statement can be run again, so they commit in chunks: each locks a table, and thousands in one
        // transaction would exhaust the target's lock table (see LockBudget).
        foreach (var chunk in statements.Chunk(Planning.LockBudget.WorkerTables))
        {
            await using var tx = await target.BeginTransactionAsync(ct);
            foreach (var sql in chunk) await PgSession.ExecuteAsync(target, sql, ct);
            await tx.CommitAsync(ct);
        }
        if (statements.Count > 0)
            sink.Report(new Notice($"resume: undid what the interrupted run left unfinished on the target ({statements.Count} statement(s): " +
                                   $"{decision.TablesToEmpty.Count} table(s) emptied, {decision.IndexesToDrop.Count} index(es) dropped if present)"));
        return foreignDropped;
    }

    /// <summary>
    /// A keys item attaches its constraints in one transaction: when they exist, it committed before the crash could
    /// record it, and is done; when they do not, nothing of it remains.
    /// </summary>
    static async Task AdoptCommittedKeysAsync(NpgsqlConnection target, TableKeysItem keys, ResumeDecision decision, CancellationToken ct)
    {
        var names = keys.Indexes.Where(i => i.Constraint is { CanUseIndex: true }).Select(i => i.Constraint!.Name).ToList();
        if (names.Count == 0 || keys.Redo && decision.TablesToEmpty.Contains(keys.Table)) return;
        if (await FirstMissingConstraintAsync(target, keys.Table, names, ct) is not null) return;
        keys.State = WorkItemState.Done;
        keys.Redo = false;
        decision.Redone.Remove(keys);
        decision.Skipped.Add(keys);
    }

    /// <summary>Every foreign key on or referencing the tables, at the top of its partition tree (where it can be dropped).</summary>
    static async Task<List<(string Sql, string Table, string Name)>> ForeignKeysOnAsync(NpgsqlConnection target,
        IReadOnlyCollection<TableInfo> tables, CancellationToken ct)
    {
        const string sql = """
            WITH RECURSIVE fk AS (
                SELECT oid, conparentid, conrelid, conname FROM pg_constraint
                WHERE contype = 'f' AND (conrelid = ANY($1::text[]::regclass[]) OR confrelid = ANY($1::text[]::regclass[]))
                UNION
                SELECT p.oid, p.conparentid, p.conrelid, p.conname FROM pg_constraint p JOIN fk ON p.oid = fk.conparentid)
            SELECT DISTINCT format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', fk.conrelid::regclass, fk.conname),
                   n.nspname || '.' || c.relname, fk.conname
            FROM fk JOIN pg_class c ON c.oid = fk.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE fk.conparentid = 0
            """;
        var result = new List<(string, string, string)>();
        if (tables.Count == 0) return result;
        await using var cmd = new NpgsqlCommand(sql, target);
        cmd.Parameters.AddWithValue(tables.Select(t => t.QualifiedName).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return result;
    }
}
