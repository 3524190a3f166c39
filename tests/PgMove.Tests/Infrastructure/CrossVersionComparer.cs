using Npgsql;

namespace PgMove.Tests.Infrastructure;

/// <summary>
/// Proves a target equal to its source when the two run different major versions, where pg_dump 15 cannot read a
/// newer target and the servers deparse differently. The schema is compared as the target server deparses it: the
/// source's schema is restored natively into a reference database on the target server (pg_dump --schema-only | psql),
/// then the reference and the migrated database are described by the same catalog queries on that server. Rows,
/// sequences, large objects and database properties are compared between source and target directly.
/// </summary>
public static class CrossVersionComparer
{
    public static async Task AssertEqualAsync(PostgresCluster source, string sourceDb, PostgresCluster target, string targetDb)
    {
        var reference = "ref_" + targetDb;
        await target.CreateDatabaseAsync(reference);
        var dump = PostgresCluster.Run($"{PostgresCluster.BinDirectory}/pg_dump", "--schema-only", "-h", "127.0.0.1",
            "-p", source.Port.ToString(), "-U", "postgres", sourceDb);
        var file = Path.Combine(Path.GetTempPath(), $"pgmove-ref-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(file, dump);
        try
        {
            PostgresCluster.Run($"{PostgresCluster.BinDirectory}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null",
                "-h", "127.0.0.1", "-p", target.Port.ToString(), "-U", "postgres", "-d", reference, "-f", file);
        }
        finally
        {
            File.Delete(file);
        }

        var expectedSchema = await SchemaTextAsync(target, reference);
        Assert.Contains("\nrelation ", "\n" + expectedSchema);
        Assert.Equal(expectedSchema, await SchemaTextAsync(target, targetDb));
        await target.ExecuteAsync("postgres", $"DROP DATABASE \"{reference}\" WITH (FORCE)");

        Assert.Equal(await DatabaseComparer.SequencesAsync(source, sourceDb), await DatabaseComparer.SequencesAsync(target, targetDb));
        Assert.Equal(await PropertiesAsync(source, sourceDb), await PropertiesAsync(target, targetDb));
        Assert.Equal(await LargeObjectsAsync(source, sourceDb), await LargeObjectsAsync(target, targetDb));
        // The schema-only reference holds no materialized view data, so which are populated is compared with the source.
        Assert.Equal(await PopulatedAsync(source, sourceDb), await PopulatedAsync(target, targetDb));
        var expected = await DatabaseComparer.ContentAsync(source, sourceDb);
        var actual = await DatabaseComparer.ContentAsync(target, targetDb);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (table, content) in expected)
            Assert.True(content == actual[table], $"{table}: source {content}, target {actual[table]}");
    }

    /// <summary>One line per schema object, as this server deparses it, sorted.</summary>
    public static async Task<string> SchemaTextAsync(PostgresCluster cluster, string database)
    {
        await using var connection = await cluster.OpenAsync(database);
        // Names come out schema-qualified whatever search_path the database sets (the reference database sets none).
        await using (var set = new NpgsqlCommand("SET search_path = pg_catalog", connection)) await set.ExecuteNonQueryAsync();
        var lines = new List<string>();
        foreach (var sql in SchemaQueries)
        {
            await using var cmd = new NpgsqlCommand(sql, connection);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) lines.Add(reader.IsDBNull(0) ? "(null)" : reader.GetString(0));
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    const string UserNamespace = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

    static string NotExtensionMember(string catalog, string oid) =>
        $"NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass AND d.objid = {oid} AND d.deptype = 'e')";

    static readonly string[] SchemaQueries =
    [
        $"""
        SELECT format('schema %I owner %s acl %s comment %s', n.nspname, pg_get_userbyid(n.nspowner), n.nspacl,
                      obj_description(n.oid, 'pg_namespace'))
        FROM pg_namespace n WHERE {UserNamespace}
        """,
        $"""
        SELECT format('relation %I.%I kind %s persistence %s partkey %s bound %s rls %s/%s options %s owner %s acl %s comment %s inherits %s',
                      n.nspname, c.relname, c.relkind, c.relpersistence,
                      CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, pg_get_expr(c.relpartbound, c.oid),
                      c.relrowsecurity, c.relforcerowsecurity, c.reloptions, pg_get_userbyid(c.relowner), c.relacl,
                      obj_description(c.oid, 'pg_class'),
                      (SELECT string_agg(h.inhparent::regclass::text, ',' ORDER BY h.inhseqno) FROM pg_inherits h WHERE h.inhrelid = c.oid))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c', 'S') AND {UserNamespace} AND {NotExtensionMember("pg_class", "c.oid")}
        """,
        $"""
        SELECT format('column %I.%I.%s %I type %s notnull %s default %s identity %s generated %s collation %s acl %s comment %s',
                      n.nspname, c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname,
                      format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity,
                      a.attgenerated, CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
                      a.attacl, col_description(c.oid, a.attnum))
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
          AND {UserNamespace} AND {NotExtensionMember("pg_class", "c.oid")}
        """,
        $"""
        SELECT format('constraint %s on %s %I: %s validated %s deferrable %s/%s', co.contype,
                      coalesce(nullif(co.conrelid, 0)::regclass::text, co.contypid::regtype::text), co.conname,
                      pg_get_constraintdef(co.oid), co.convalidated, co.condeferrable, co.condeferred)
        FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
        WHERE {UserNamespace} AND co.conparentid = 0
        """,
        $"""
        SELECT format('index %s clustered %s replident %s comment %s', pg_get_indexdef(i.indexrelid), i.indisclustered,
                      i.indisreplident, obj_description(i.indexrelid, 'pg_class'))
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {UserNamespace} AND {NotExtensionMember("pg_class", "i.indrelid")}
        """,
        $"""
        SELECT format('view %I.%I: %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v', 'm') AND {UserNamespace} AND {NotExtensionMember("pg_class", "c.oid")}
        """,
        $"""
        SELECT format('routine %s kind %s owner %s acl %s comment %s: %s', p.oid::regprocedure, p.prokind,
                      pg_get_userbyid(p.proowner), p.proacl, obj_description(p.oid, 'pg_proc'),
                      CASE WHEN p.prokind = 'a'
                           THEN (SELECT format('%s %s %s %s', g.aggtransfn, g.aggfinalfn, g.aggtranstype::regtype, g.agginitval)
                                 FROM pg_aggregate g WHERE g.aggfnoid = p.oid)
                           ELSE pg_get_functiondef(p.oid) END)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE {UserNamespace} AND {NotExtensionMember("pg_proc", "p.oid")}
        """,
        $"""
        SELECT format('trigger %s enabled %s', pg_get_triggerdef(tg.oid), tg.tgenabled)
        FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 AND {UserNamespace}
        """,
        $"""
        SELECT format('sequence %s type %s start %s inc %s min %s max %s cache %s cycle %s owned by %s', s.seqrelid::regclass,
                      s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                      (SELECT format('%s.%s', d.refobjid::regclass, d.refobjsubid) FROM pg_depend d
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i')
                         AND d.refclassid = 'pg_class'::regclass))
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {UserNamespace} AND {NotExtensionMember("pg_class", "c.oid")}
        """,
        $"""
        SELECT format('type %s kind %s base %s notnull %s default %s labels %s range %s owner %s acl %s comment %s',
                      t.oid::regtype, t.typtype, CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
                      t.typnotnull, t.typdefault,
                      (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
                      (SELECT r.rngsubtype::regtype::text FROM pg_range r WHERE r.rngtypid = t.oid),
                      pg_get_userbyid(t.typowner), t.typacl, obj_description(t.oid, 'pg_type'))
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype IN ('d', 'e', 'r', 'b') AND t.typelem = 0 AND {UserNamespace} AND {NotExtensionMember("pg_type", "t.oid")}
        """,
        $"""
        SELECT format('rule %I.%I %s', r.schemaname, r.rulename, r.definition) FROM pg_rules r
        WHERE r.schemaname NOT IN ('pg_catalog', 'information_schema')
        """,
        """
        SELECT format('policy %I.%I %I %s %s %s %s %s', p.schemaname, p.tablename, p.policyname, p.permissive, p.roles,
                      p.cmd, p.qual, p.with_check) FROM pg_policies p
        """,
        "SELECT format('extension %I %s schema %s', extname, extversion, extnamespace::regnamespace) FROM pg_extension",
        "SELECT format('statistics %s', pg_get_statisticsobjdef(oid)) FROM pg_statistic_ext",
        "SELECT format('default acl %s %s %s %s', pg_get_userbyid(defaclrole), defaclnamespace::regnamespace, defaclobjtype, defaclacl) FROM pg_default_acl",
    ];

    static async Task<string> PropertiesAsync(PostgresCluster cluster, string database)
    {
        var provider = cluster.Major >= 15 ? "datlocprovider::text" : "'c'";
        return await cluster.ScalarAsync<string>(database, $"""
            SELECT pg_encoding_to_char(encoding) || ' ' || datcollate || ' ' || datctype || ' ' || {provider}
                   || ' ' || coalesce((SELECT array_to_string(setconfig, ';') FROM pg_db_role_setting
                                       WHERE setdatabase = d.oid AND setrole = 0), '')
            FROM pg_database d WHERE datname = current_database()
            """);
    }

    static Task<string> PopulatedAsync(PostgresCluster cluster, string database) =>
        cluster.ScalarAsync<string>(database, $"""
            SELECT coalesce(string_agg(format('%I.%I %s', n.nspname, c.relname, c.relispopulated), ', ' ORDER BY n.nspname, c.relname), '')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm' AND {UserNamespace}
            """);

    static Task<string> LargeObjectsAsync(PostgresCluster cluster, string database) =>
        cluster.ScalarAsync<string>(database, """
            SELECT count(*) || ' large objects ' || coalesce(md5(string_agg(oid::text || ':' || encode(lo_get(oid), 'hex'), ',' ORDER BY oid)), '-')
            FROM pg_largeobject_metadata
            """);
}
