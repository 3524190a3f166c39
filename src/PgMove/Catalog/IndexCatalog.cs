using Npgsql;
using PgMove.Connections;

namespace PgMove.Catalog;

/// <summary>
/// Reads the indexes and constraints of plain (non-partitioned, non-partition) tables that pgmove builds per table.
/// Everything else in post-data stays with pg_restore: partitioned indexes and their attachments, triggers, rules,
/// policies, comments, indexes in another tablespace or with per-column statistics targets.
/// </summary>
public static class IndexCatalog
{
    const string TablesInScope = $$"""
        SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND NOT c.relispartition
          AND {{CatalogScope.UserSchema}}
          AND {{CatalogScope.NotExtensionRelation}}
        """;

    const string IndexesSql = $"""
        WITH tables AS ({TablesInScope})
        SELECT i.indrelid, i.indexrelid, ic.relname, pg_get_indexdef(i.indexrelid),
               con.oid, con.conname, con.contype::text, pg_get_constraintdef(con.oid),
               coalesce(con.contype IN ('p', 'u') AND NOT con.condeferrable AND am.amname = 'btree'
                   AND i.indexprs IS NULL AND i.indpred IS NULL
                   AND NOT EXISTS (
                       SELECT 1
                       FROM unnest(i.indkey::int2[], i.indclass::oid[], i.indcollation::oid[], i.indoption::int2[])
                            WITH ORDINALITY AS k(attnum, opclass, coll, opt, n)
                       LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                       LEFT JOIN pg_opclass o ON o.oid = k.opclass
                       WHERE k.n <= i.indnkeyatts
                         AND (a.attnum IS NULL OR NOT coalesce(o.opcdefault, false) OR k.opt <> 0
                              OR k.coll <> a.attcollation)), false),
               i.indisclustered, i.indisreplident, pg_relation_size(i.indrelid)
        FROM pg_index i
        JOIN tables t ON t.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_am am ON am.oid = ic.relam
        LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
        WHERE i.indisvalid AND i.indislive AND ic.reltablespace = 0
          AND NOT EXISTS (SELECT 1 FROM pg_attribute ia WHERE ia.attrelid = i.indexrelid AND coalesce(ia.attstattarget, -1) >= 0)
        ORDER BY i.indrelid, i.indexrelid
        """;

    const string ForeignKeysSql = $"""
        WITH tables AS ({TablesInScope})
        SELECT con.oid, con.conrelid, con.conname, pg_get_constraintdef(con.oid), con.confrelid, con.conindid
        FROM pg_constraint con
        WHERE con.contype = 'f' AND con.conparentid = 0
          AND con.conrelid IN (SELECT oid FROM tables) AND con.confrelid IN (SELECT oid FROM tables)
        ORDER BY con.conrelid, con.oid
        """;

    /// <summary>
    /// The indexes (with the constraints they back) and the foreign keys between in-scope tables. Foreign keys whose
    /// referenced index is not built by pgmove are left out, so pg_restore creates them after that index exists.
    /// Runs with an empty search_path so every name in the definitions is schema-qualified.
    /// </summary>
    public static async Task<(IReadOnlyList<IndexInfo> Indexes, IReadOnlyList<ConstraintInfo> ForeignKeys)> ReadAsync(
        NpgsqlConnection connection, CancellationToken ct)
    {
        var previous = await PgSession.ScalarAsync<string>(connection, "SELECT current_setting('search_path')", ct);
        await PgSession.ExecuteAsync(connection, "SELECT set_config('search_path', '', false)", ct);
        try
        {
            var indexes = await ReadIndexesAsync(connection, ct);
            var built = indexes.Select(i => i.IndexOid).ToHashSet();
            var foreignKeys = (await ReadForeignKeysAsync(connection, ct)).Where(f => built.Contains(f.ReferencedIndexOid)).ToList();
            return (indexes, foreignKeys);
        }
        finally
        {
            await using var restore = new NpgsqlCommand("SELECT set_config('search_path', $1, false)", connection);
            restore.Parameters.AddWithValue(previous);
            await restore.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Whether anything pg_restore still restores after pgmove's own builds refers to an index or constraint pgmove
    /// builds: a comment or security label on one, or a foreign key (of a partitioned table) that relies on one.
    /// When nothing does, that restore needs only the rows and can run beside the last index builds.
    /// </summary>
    public static async Task<bool> IsReferencedByRestoreAsync(NpgsqlConnection connection, IReadOnlyList<IndexInfo> indexes,
        IReadOnlyList<ConstraintInfo> foreignKeys, CancellationToken ct)
    {
        const string sql = """
            SELECT EXISTS (SELECT 1 FROM pg_description d
                           WHERE d.classoid = 'pg_class'::regclass AND d.objoid = ANY($1)
                              OR d.classoid = 'pg_constraint'::regclass AND d.objoid = ANY($2))
                OR EXISTS (SELECT 1 FROM pg_seclabel l
                           WHERE l.classoid = 'pg_class'::regclass AND l.objoid = ANY($1)
                              OR l.classoid = 'pg_constraint'::regclass AND l.objoid = ANY($2))
                OR EXISTS (SELECT 1 FROM pg_constraint f
                           WHERE f.contype = 'f' AND f.conindid = ANY($1) AND f.oid <> ALL($3))
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var oids in new[]
                 {
                     indexes.Select(i => i.IndexOid), indexes.Where(i => i.Constraint is not null).Select(i => i.Constraint!.Oid),
                     foreignKeys.Select(f => f.Oid),
                 })
            cmd.Parameters.Add(new NpgsqlParameter { Value = oids.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    static async Task<List<IndexInfo>> ReadIndexesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(IndexesSql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<IndexInfo>();
        while (await reader.ReadAsync(ct))
        {
            var table = reader.GetFieldValue<uint>(0);
            var constraint = reader.IsDBNull(4) ? null : new ConstraintInfo(
                reader.GetFieldValue<uint>(4), table, reader.GetString(5), reader.GetString(6)[0], reader.GetString(7),
                reader.GetBoolean(8));
            result.Add(new IndexInfo(table, reader.GetFieldValue<uint>(1), reader.GetString(2), reader.GetString(3),
                constraint, reader.GetBoolean(9), reader.GetBoolean(10), reader.GetInt64(11)));
        }
        return result;
    }

    static async Task<List<ConstraintInfo>> ReadForeignKeysAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(ForeignKeysSql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<ConstraintInfo>();
        while (await reader.ReadAsync(ct))
            result.Add(new ConstraintInfo(reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(1), reader.GetString(2), 'f',
                reader.GetString(3), false, reader.GetFieldValue<uint>(4), reader.GetFieldValue<uint>(5)));
        return result;
    }
}
