using Npgsql;

namespace PgMove.Catalog;

/// <summary>What a schema dump in pieces needs to know about the source's tables, read inside the copy's snapshot.</summary>
public static class DumpTableCatalog
{
    /// <summary>A table pg_dump locks (plain or partitioned, not an extension's), with its family and owned sequences.</summary>
    /// <param name="Oid">The table.</param>
    /// <param name="Schema">Its schema.</param>
    /// <param name="Name">Its name.</param>
    /// <param name="Root">The topmost ancestor of its inheritance or partition tree (itself when it has none).</param>
    /// <param name="OwnedSequences">Sequences OWNED BY it that are not identity sequences (pg_dump dumps them with it).</param>
    public sealed record DumpTable(uint Oid, string Schema, string Name, uint Root, IReadOnlyList<(string Schema, string Name)> OwnedSequences);

    /// <summary>The tables pg_dump would lock.</summary>
    /// <param name="connection">A session inside the snapshot.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<DumpTable>> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            WITH RECURSIVE up(oid, root) AS (
                SELECT c.oid, c.oid FROM pg_class c WHERE NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
                  AND c.relkind IN ('r', 'p')
                UNION ALL
                SELECT i.inhrelid, up.root FROM pg_inherits i JOIN up ON i.inhparent = up.oid),
            roots AS (SELECT oid, min(root) AS root FROM up GROUP BY oid),
            owned AS (
                SELECT d.refobjid AS tab, array_agg(sn.nspname ORDER BY s.relname) AS schemas, array_agg(s.relname ORDER BY s.relname) AS names
                FROM pg_depend d JOIN pg_class s ON s.oid = d.objid JOIN pg_namespace sn ON sn.oid = s.relnamespace
                WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' AND s.relkind = 'S'
                GROUP BY d.refobjid)
            SELECT c.oid, n.nspname, c.relname, r.root, coalesce(o.schemas, '{}'), coalesce(o.names, '{}')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN roots r ON r.oid = c.oid LEFT JOIN owned o ON o.tab = c.oid
            WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
              AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
              AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
            ORDER BY n.nspname, c.relname
            """;
        var tables = new List<DumpTable>();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (schemas, names) = (reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5));
            var root = reader.IsDBNull(3) ? reader.GetFieldValue<uint>(0) : reader.GetFieldValue<uint>(3);
            tables.Add(new DumpTable(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), root,
                schemas.Zip(names).ToList()));
        }
        return tables;
    }

    /// <summary>
    /// Per schema, the relations pg_dump's --table and --exclude-table patterns can match (pg_dump's
    /// expand_table_name_patterns: tables, sequences, views, materialized views, foreign tables, partitioned tables),
    /// whatever they belong to: a schema whose every one a piece names can be named by <c>"schema".*</c>.
    /// </summary>
    /// <param name="connection">A session inside the snapshot.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyDictionary<string, int>> ReadSchemaRelationsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT n.nspname, count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'S', 'v', 'm', 'f', 'p') GROUP BY n.nspname
            """;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = reader.GetInt32(1);
        return counts;
    }

    /// <summary>
    /// The objects outside <paramref name="tables"/> that depend on one of them, directly or through each other: views,
    /// materialized views, functions taking a table's row type or with a SQL-standard body, composite types and domains
    /// over a row type… A view's dependencies are recorded on its rewrite rule, a default's and a constraint's on
    /// themselves, a row type's on the type: each is first carried over to the object pg_dump dumps (the view, the
    /// table, the domain). Returned as (catalog OID, object OID), as pg_restore --list names them.
    /// </summary>
    /// <param name="connection">A session inside the snapshot.</param>
    /// <param name="tables">The tables' OIDs.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlySet<(uint Catalog, uint Oid)>> ReadDependentsAsync(NpgsqlConnection connection,
        IReadOnlyList<uint> tables, CancellationToken ct)
    {
        const string sql = """
            WITH RECURSIVE owner(classid, objid, nclass, nobj) AS (
                SELECT 'pg_rewrite'::regclass::oid, r.oid, 'pg_class'::regclass::oid, r.ev_class FROM pg_rewrite r
                UNION ALL SELECT 'pg_attrdef'::regclass::oid, a.oid, 'pg_class'::regclass::oid, a.adrelid FROM pg_attrdef a
                UNION ALL SELECT 'pg_constraint'::regclass::oid, k.oid,
                                 CASE WHEN k.conrelid <> 0 THEN 'pg_class'::regclass::oid ELSE 'pg_type'::regclass::oid END,
                                 CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END FROM pg_constraint k
                UNION ALL SELECT 'pg_type'::regclass::oid, t.oid, 'pg_class'::regclass::oid, c.oid
                          FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid WHERE c.relkind <> 'c'
                UNION ALL SELECT 'pg_type'::regclass::oid, a.oid, 'pg_class'::regclass::oid, c.oid
                          FROM pg_type a JOIN pg_type t ON t.typarray = a.oid JOIN pg_class c ON c.oid = t.typrelid WHERE c.relkind <> 'c'
                UNION ALL SELECT 'pg_type'::regclass::oid, a.oid, 'pg_type'::regclass::oid, t.oid
                          FROM pg_type a JOIN pg_type t ON t.typarray = a.oid
                          WHERE t.typrelid = 0 OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c')
                UNION ALL SELECT 'pg_class'::regclass::oid, c.oid, 'pg_type'::regclass::oid, c.reltype FROM pg_class c WHERE c.relkind = 'c'),
            edge AS (
                SELECT coalesce(o.nclass, d.classid) AS oc, coalesce(o.nobj, d.objid) AS oo,
                       coalesce(r.nclass, d.refclassid) AS rc, coalesce(r.nobj, d.refobjid) AS ro
                FROM pg_depend d
                LEFT JOIN owner o ON o.classid = d.classid AND o.objid = d.objid
                LEFT JOIN owner r ON r.classid = d.refclassid AND r.objid = d.refobjid
                WHERE d.deptype IN ('n', 'a') AND d.classid <> 'pg_trigger'::regclass),
            reach(c, o) AS (
                SELECT 'pg_class'::regclass::oid, t FROM unnest($1::oid[]) t
                UNION
                SELECT e.oc, e.oo FROM edge e JOIN reach ON e.rc = reach.c AND e.ro = reach.o)
            SELECT c, o FROM reach WHERE NOT (c = 'pg_class'::regclass::oid AND o = ANY($1))
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.Add(new NpgsqlParameter<uint[]> { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid, TypedValue = tables.ToArray() });
        var set = new HashSet<(uint, uint)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) set.Add((reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(1)));
        return set;
    }
}
