using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;

namespace PgMove.Target;

/// <summary>
/// What <c>--clean</c> drops on an existing target, and whether that is safe: the one rule copy, sync and
/// <c>check --clean</c> all ask. The drops are the source's publications and extensions and its schemas other than public (CASCADE),
/// the tables, views, sequences, functions and types in public, and the large objects. <see cref="Objects"/> is
/// everything these take with them as the target's catalog says (pg_depend, followed as CASCADE follows it: a column
/// of another schema's table typed with a dropped type goes too). Any of these the source does not have (same kind
/// and name) is <see cref="TargetOnly"/>: the target has something a copy would not bring back, and clean refuses.
/// </summary>
/// <param name="Statements">The DROP statements, in order.</param>
/// <param name="Objects">Every object they drop, as "kind identity" (e.g. "table public.orders").</param>
/// <param name="TargetOnly">The dropped objects the source does not have; clean refuses when there is any.</param>
public sealed record CleanPlan(IReadOnlyList<string> Statements, IReadOnlyList<string> Objects, IReadOnlyList<string> TargetOnly)
{
    /// <summary>True when every object the clean drops is one the copy brings back.</summary>
    public bool Safe => TargetOnly.Count == 0;

    /// <summary>Reads the plan: the source's schemas and extensions, what they reach on the target, what the source lacks.</summary>
    public static async Task<CleanPlan> ReadAsync(NpgsqlConnection source, NpgsqlConnection target, CancellationToken ct)
    {
        var schemas = await ObjectCatalog.ReadSchemasAsync(source, ct);
        var extensions = await ObjectCatalog.ReadExtensionsAsync(source, ct);
        var statements = new List<string>();
        // Publications are the database's, not a schema's: the source's that the target has too (a previous copy made
        // them) go, or the pre-data restore would fail on "publication … already exists".
        // Named as pg_identify_object names the other objects (quote_ident).
        var publications = await ListAsync(target, "SELECT quote_ident(pubname) FROM pg_publication WHERE pubname::text = ANY($1) ORDER BY 1",
            [(await ListAsync(source, "SELECT pubname::text FROM pg_publication", [], ct)).ToArray()], ct);
        statements.AddRange(publications.Select(p => $"DROP PUBLICATION IF EXISTS {p}"));
        statements.AddRange(extensions.Where(e => e != "plpgsql").Select(e => $"DROP EXTENSION IF EXISTS {Sql.Quote.Ident(e)} CASCADE"));
        // DROP SCHEMA … CASCADE locks everything in the schema in one transaction: thousands of tables would overflow the
        // target's lock table (53200). Their tables go first, a batch per statement.
        statements.AddRange(DropBatches(await SchemaTablesAsync(target, schemas.Where(s => s != "public").ToArray(), ct)));
        statements.AddRange(schemas.Where(s => s != "public").Select(s => $"DROP SCHEMA IF EXISTS {Sql.Quote.Ident(s)} CASCADE"));
        statements.AddRange(await ListAsync(target, PublicDropsSql, [], ct));

        var objects = await ListAsync(target, ClosureSql, [schemas.ToArray(), extensions.ToArray()], ct);
        var onSource = (await ListAsync(source, SourceHasSql, [objects.ToArray()], ct)).ToHashSet(StringComparer.Ordinal);
        var largeObjects = (await ListAsync(target, "SELECT oid::text FROM pg_largeobject_metadata ORDER BY oid", [], ct)).ToArray();
        var sourceLargeObjects = (await ListAsync(source,
            "SELECT oid::text FROM pg_largeobject_metadata WHERE oid::text = ANY($1)", [largeObjects], ct)).ToHashSet(StringComparer.Ordinal);
        var targetOnly = objects.Where(o => !onSource.Contains(o))
            .Concat(largeObjects.Where(l => !sourceLargeObjects.Contains(l)).Select(l => "large object " + l)).ToList();
        return new CleanPlan(statements, publications.Select(p => "publication " + p)
            .Concat(objects).Concat(largeObjects.Select(l => "large object " + l)).ToList(), targetOnly);
    }

    /// <summary>Runs the drops, after saying what they drop; refuses (exit 6, nothing dropped) when that is not safe.</summary>
    public async Task ExecuteAsync(NpgsqlConnection target, string database, IProgressSink sink, CancellationToken ct)
    {
        if (!Safe) throw new PgMoveException(ExitCode.TargetNotEmpty, RefusalMessage(database));
        sink.Report(new Notice($"--clean: dropping on the target {Objects.Count} object(s): {Named(Objects)}"));
        // Each unlinked large object holds a lock until its transaction ends: a batch per transaction.
        var unlinked = 0L;
        for (long n; (n = await PgSession.ScalarAsync<long>(target, UnlinkBatchSql, ct)) > 0;) unlinked += n;
        foreach (var sql in Statements)
            await PgSession.ExecuteAsync(target, sql, ct);
        sink.Report(new Notice($"--clean: unlinked {unlinked} large object(s) and ran {Statements.Count} DROP statement(s) on the target"));
    }

    /// <summary>
    /// Locks one DROP TABLE statement may take: each table locks itself, its indexes, its TOAST table and index, and
    /// a partitioned table all that for every partition. Far below the smallest lock table (64 per connection × the
    /// connections).
    /// </summary>
    const int LocksPerDrop = 1000;

    /// <summary>DROP TABLE statements over <paramref name="tables"/> (name, locks it takes), each within <see cref="LocksPerDrop"/>; a heavier table alone.</summary>
    /// <param name="tables">Qualified, quoted names and the locks dropping each takes.</param>
    public static IEnumerable<string> DropBatches(IEnumerable<(string Name, int Locks)> tables)
    {
        var batch = new List<string>();
        var locks = 0;
        foreach (var (name, weight) in tables)
        {
            if (batch.Count > 0 && locks + weight > LocksPerDrop)
            {
                yield return $"DROP TABLE IF EXISTS {string.Join(", ", batch)} CASCADE";
                (batch, locks) = ([], 0);
            }
            batch.Add(name);
            locks += weight;
        }
        if (batch.Count > 0) yield return $"DROP TABLE IF EXISTS {string.Join(", ", batch)} CASCADE";
    }

    /// <summary>Large objects per unlinking transaction (one lock each).</summary>
    const int LargeObjectsPerUnlink = 1000;

    static readonly string UnlinkBatchSql =
        $"SELECT count(lo_unlink(oid)) FROM (SELECT oid FROM pg_largeobject_metadata ORDER BY oid LIMIT {LargeObjectsPerUnlink}) lo";

    /// <summary>At most the first 50 names of <paramref name="objects"/>, then how many more: a line a reader can read.</summary>
    /// <param name="objects">The objects' names.</param>
    public static string Named(IReadOnlyList<string> objects) =>
        string.Join(", ", objects.Take(50)) + (objects.Count > 50 ? $" and {objects.Count - 50} more" : "");

    /// <summary>Why clean refuses: the target-only objects it would drop, named.</summary>
    /// <param name="database">The target database.</param>
    /// <param name="origin">What the run copies from ("the source", "the archive").</param>
    public string RefusalMessage(string database, string origin = "the source") =>
        $"--clean refuses: in target database \"{database}\" it would drop {TargetOnly.Count} object(s) {origin} does not have, " +
        $"which pgmove would not bring back: {Named(TargetOnly)}; nothing was dropped. Move or drop them yourself, " +
        "or use another database";

    static async Task<List<(string Name, int Locks)>> SchemaTablesAsync(NpgsqlConnection target, string[] schemas, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(SchemaTablesSql, target);
        cmd.Parameters.AddWithValue(schemas);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var tables = new List<(string, int)>();
        while (await reader.ReadAsync(ct)) tables.Add((Sql.Quote.Qualified(reader.GetString(0), reader.GetString(1)), (int)reader.GetInt64(2)));
        return tables;
    }

    static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql, object[] parameters, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(ct)) rows.Add(reader.GetString(0));
        return rows;
    }

    // The tables (not partitions: they go with their parent) of the schemas to drop, not an extension's, with the
    // locks dropping each takes (its partition tree's relations, indexes and TOAST).
    const string SchemaTablesSql = """
        SELECT n.nspname, c.relname,
               (SELECT sum(1 + CASE WHEN r.reltoastrelid <> 0 THEN 2 ELSE 0 END
                           + (SELECT count(*) FROM pg_index i WHERE i.indrelid = r.oid))
                FROM pg_class r WHERE r.oid = c.oid OR r.oid IN (SELECT relid FROM pg_partition_tree(c.oid)))::bigint
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
        ORDER BY 1, 2
        """;

    const string PublicDropsSql = """
        WITH ext AS (SELECT objid, classid FROM pg_depend WHERE deptype = 'e')
        SELECT format('DROP %s IF EXISTS %s CASCADE',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                     WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.oid::regclass)
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND (c.oid, 'pg_class'::regclass) NOT IN (SELECT objid, classid FROM ext)
        UNION ALL
        SELECT format('DROP %s IF EXISTS %s CASCADE',
                      CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure)
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND (p.oid, 'pg_proc'::regclass) NOT IN (SELECT objid, classid FROM ext)
        UNION ALL
        SELECT format('DROP %s IF EXISTS %s CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype)
        FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('c', 'd', 'e', 'r', 'b')
          AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
          AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
          AND (t.oid, 'pg_type'::regclass) NOT IN (SELECT objid, classid FROM ext)
        """;

    // Everything the drops above take with them, following pg_depend as DROP ... CASCADE does: dependents of a
    // dropped object (or of its dropped column), and the owner of a dropped internal part (a view with its rule).
    // Reported: schemas, extensions, relations, functions, types, and columns and constraints of tables that stay.
    const string ClosureSql = """
        WITH RECURSIVE
        ext_member AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'),
        start(classid, objid, objsubid) AS (
          SELECT 'pg_namespace'::regclass::oid, n.oid, 0 FROM pg_namespace n WHERE n.nspname = ANY($1) AND n.nspname <> 'public'
          UNION ALL
          SELECT 'pg_extension'::regclass::oid, e.oid, 0 FROM pg_extension e WHERE e.extname = ANY($2) AND e.extname <> 'plpgsql'
          UNION ALL
          SELECT 'pg_class'::regclass::oid, c.oid, 0 FROM pg_class c
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
            AND (c.oid, 'pg_class'::regclass::oid) NOT IN (SELECT objid, classid FROM ext_member)
          UNION ALL
          SELECT 'pg_proc'::regclass::oid, p.oid, 0 FROM pg_proc p
          WHERE p.pronamespace = 'public'::regnamespace AND (p.oid, 'pg_proc'::regclass::oid) NOT IN (SELECT objid, classid FROM ext_member)
          UNION ALL
          SELECT 'pg_type'::regclass::oid, t.oid, 0 FROM pg_type t
          WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('c', 'd', 'e', 'r', 'b')
            AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
            AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
            AND (t.oid, 'pg_type'::regclass::oid) NOT IN (SELECT objid, classid FROM ext_member)
        ),
        dropped(classid, objid, objsubid) AS (
          SELECT classid, objid, objsubid FROM start
          UNION
          SELECT s.classid, s.objid, s.objsubid
          FROM dropped x
          CROSS JOIN LATERAL (
            SELECT d.classid, d.objid, d.objsubid FROM pg_depend d
            WHERE d.refclassid = x.classid AND d.refobjid = x.objid AND (x.objsubid = 0 OR d.refobjsubid = x.objsubid) AND d.deptype <> 'p'
            UNION ALL
            -- an object another one is an internal part of goes with it (a view with its rewrite rule)
            SELECT d.refclassid, d.refobjid, 0 FROM pg_depend d
            WHERE d.classid = x.classid AND d.objid = x.objid AND d.objsubid = x.objsubid AND d.deptype = 'i'
          ) s
        )
        SELECT o.type || ' ' || o.identity
        FROM dropped x, pg_identify_object(x.classid, x.objid, x.objsubid) o
        WHERE (x.classid, x.objid) NOT IN (SELECT classid, objid FROM ext_member)
          AND CASE x.classid
            WHEN 'pg_namespace'::regclass THEN true
            WHEN 'pg_extension'::regclass THEN true
            WHEN 'pg_proc'::regclass THEN true
            WHEN 'pg_class'::regclass THEN
              CASE WHEN x.objsubid = 0 THEN (SELECT relkind FROM pg_class WHERE oid = x.objid) IN ('r', 'p', 'v', 'm', 'S', 'f')
                   ELSE NOT EXISTS (SELECT 1 FROM dropped y WHERE y.classid = x.classid AND y.objid = x.objid AND y.objsubid = 0) END
            WHEN 'pg_type'::regclass THEN (SELECT t.typtype IN ('c', 'd', 'e', 'r', 'b') AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
                                           AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid) FROM pg_type t WHERE t.oid = x.objid)
            WHEN 'pg_constraint'::regclass THEN NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN dropped y ON y.classid = 'pg_class'::regclass AND y.objid = c.conrelid AND y.objsubid = 0 WHERE c.oid = x.objid)
            ELSE false END
        ORDER BY 1
        """;

    // Which of the given "kind identity" strings name an object of the source (pg_identify_object on both sides).
    const string SourceHasSql = """
        SELECT DISTINCT x FROM (
          SELECT o.type || ' ' || o.identity AS x FROM pg_namespace n, pg_identify_object('pg_namespace'::regclass, n.oid, 0) o
          UNION ALL SELECT o.type || ' ' || o.identity FROM pg_extension e, pg_identify_object('pg_extension'::regclass, e.oid, 0) o
          UNION ALL SELECT o.type || ' ' || o.identity FROM pg_class c, pg_identify_object('pg_class'::regclass, c.oid, 0) o
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          UNION ALL SELECT o.type || ' ' || o.identity FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid,
              pg_identify_object('pg_class'::regclass, a.attrelid, a.attnum) o
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          UNION ALL SELECT o.type || ' ' || o.identity FROM pg_proc p, pg_identify_object('pg_proc'::regclass, p.oid, 0) o
          UNION ALL SELECT o.type || ' ' || o.identity FROM pg_type t, pg_identify_object('pg_type'::regclass, t.oid, 0) o
          UNION ALL SELECT o.type || ' ' || o.identity FROM pg_constraint k, pg_identify_object('pg_constraint'::regclass, k.oid, 0) o
        ) s WHERE x IN (SELECT unnest($1::text[]))
        """;
}
