using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>
/// Databases with more tables than the lock table holds: the schema dump in pieces under one snapshot, and the data
/// sessions locking and checking their own tables.
/// </summary>
[Collection("clusters")]
public sealed class ManyTablesCopyTests(ClusterPair clusters)
{
    /// <summary>What depends on tables from outside them, for the dump in pieces to order right.</summary>
    internal const string Dependents = """
        CREATE SCHEMA deps;
        SET search_path = deps, public;
        CREATE TYPE level AS ENUM ('low', 'high');
        CREATE FUNCTION twice(i int) RETURNS int LANGUAGE sql IMMUTABLE RETURN i * 2;
        CREATE TABLE parent (id serial PRIMARY KEY, l level DEFAULT 'low', d int DEFAULT twice(2) CHECK (d > 0));
        CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent);
        INSERT INTO parent (l) SELECT 'high' FROM generate_series(1, 20);
        INSERT INTO child SELECT g, g FROM generate_series(1, 20) g;
        CREATE VIEW joined AS SELECT p.id, c.id AS child_id FROM parent p JOIN child c ON c.parent_id = p.id;
        CREATE VIEW over_view AS SELECT count(*) AS n FROM joined;
        CREATE MATERIALIZED VIEW parents AS SELECT id FROM parent;
        CREATE FUNCTION parent_id(p parent) RETURNS int LANGUAGE sql RETURN p.id;
        CREATE FUNCTION children() RETURNS bigint LANGUAGE sql RETURN (SELECT count(*) FROM child);
        CREATE TYPE pair AS (p parent, n int);
        CREATE FUNCTION pairs(x pair[]) RETURNS int LANGUAGE sql RETURN cardinality(x);
        CREATE SEQUENCE free_standing START 7;
        COMMENT ON VIEW joined IS 'a view over two tables';
        COMMENT ON COLUMN joined.child_id IS 'the child';
        GRANT SELECT ON joined TO PUBLIC;
        CREATE RULE no_delete AS ON DELETE TO over_view DO INSTEAD NOTHING;
        -- After the tables: restored before them, it would grant them what the source's tables lack.
        ALTER DEFAULT PRIVILEGES IN SCHEMA deps GRANT SELECT ON TABLES TO PUBLIC;
        -- pg_dump writes these only with both the table and the statistics' schema or the publication: no piece has them.
        CREATE STATISTICS parent_stats (dependencies, ndistinct) ON id, d FROM parent;
        ALTER STATISTICS parent_stats SET STATISTICS 500;
        COMMENT ON STATISTICS parent_stats IS 'id and d move together';
        CREATE STATISTICS child_stats ON id, parent_id FROM child;
        CREATE PUBLICATION many_pieces_pub FOR TABLE child, parent (id, l) WHERE (id > 3);
        CREATE PUBLICATION many_pieces_all_rows FOR TABLE parent;
        """;

    [Fact]
    public async Task Dump_in_pieces_copies_hard_cases_and_dependents_identically()
    {
        const string db = "many_pieces";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, HardCasesCopyTests.Schema.Replace("CURRENT", db));
        await clusters.Source.ExecuteAsync(db, Dependents);

        // Pieces of 3 tables: the hard cases' inheritance tree (3 tables) and partition tree stay whole.
        var result = await PgMoveProcess.RunAsync(new Dictionary<string, string> { ["PGMOVE_TEST_LOCK_PIECE"] = "3" },
            "copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--jobs", "3", "--dir", PgMoveProcess.StateDir(), "--verify");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches("the schema is dumped in [0-9]+ pieces of at most 3 tables", result.Output);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        Assert.Equal(20L, await clusters.Target.ScalarAsync<long>(db, "SELECT deps.children()"));
    }

    /// <summary>SQL creating <paramref name="schemas"/> × <paramref name="perSchema"/> tables, in transactions of 100 tables.</summary>
    internal static IEnumerable<string> ManyTables(int schemas, int perSchema)
    {
        for (var s = 1; s <= schemas; s++)
        {
            yield return $"CREATE SCHEMA tenant{s}";
            for (var from = 1; from <= perSchema; from += 100)
                yield return $$"""
                    DO $$ BEGIN
                      FOR i IN {{from}}..{{Math.Min(perSchema, from + 99)}} LOOP
                        EXECUTE format('CREATE TABLE tenant{{s}}.t%s (id int PRIMARY KEY, v text)', i);
                      END LOOP;
                    END $$
                    """;
        }
    }

    [Fact]
    public async Task Ten_thousand_tables_copy_at_default_lock_settings()
    {
        const string db = "ten_thousand";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        Assert.Equal("64", await clusters.Source.ScalarAsync<string>(db, "SHOW max_locks_per_transaction"));
        Assert.Equal("64", await clusters.Target.ScalarAsync<string>("postgres", "SHOW max_locks_per_transaction"));
        foreach (var sql in ManyTables(20, 500)) await clusters.Source.ExecuteAsync(db, sql);
        await clusters.Source.ExecuteAsync(db, Dependents + """
            ;
            INSERT INTO tenant1.t1 SELECT g, md5(g::text) FROM generate_series(1, 1000) g;
            INSERT INTO tenant20.t500 SELECT g, 'x' FROM generate_series(1, 10) g;
            CREATE TABLE tenant2.owner_of_serial (id serial PRIMARY KEY, t1 int REFERENCES tenant1.t1);
            INSERT INTO tenant2.owner_of_serial (t1) VALUES (1), (2), (3);
            CREATE VIEW tenant3.across AS SELECT a.id FROM tenant1.t1 a JOIN tenant20.t500 b USING (id);
            """);

        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--jobs", "4", "--dir", PgMoveProcess.StateDir(), "--verify");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("the schema is dumped in ", result.Output);
        const string shape = """
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname LIKE 'tenant%' AND c.relkind = 'r')
                   || ' tables, ' || (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                                      WHERE n.nspname LIKE 'tenant%') || ' indexes, '
                   || (SELECT count(*) FROM pg_constraint WHERE contype IN ('p', 'f')) || ' keys'
            """;
        Assert.Equal(await clusters.Source.ScalarAsync<string>(db, shape), await clusters.Target.ScalarAsync<string>(db, shape));
        Assert.StartsWith("10001 tables", await clusters.Target.ScalarAsync<string>(db, shape));
        Assert.Equal(await DatabaseComparer.ContentAsync(clusters.Source, db), await DatabaseComparer.ContentAsync(clusters.Target, db));
        Assert.Equal(await DatabaseComparer.SequencesAsync(clusters.Source, db), await DatabaseComparer.SequencesAsync(clusters.Target, db));
        // pg_dump of one schema at a time fits in the lock table: the definitions, schema by schema.
        foreach (var schema in new[] { "deps", "tenant1", "tenant2", "tenant3" })
            Assert.Equal(SchemaOf(clusters.Source, db, schema), SchemaOf(clusters.Target, db, schema));
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE {db}");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE {db}");
    }

    internal static string SchemaOf(PostgresCluster cluster, string database, string schema) =>
        System.Text.RegularExpressions.Regex.Replace(PostgresCluster.Run($"{PostgresCluster.BinDirectory}/pg_dump", "--schema-only",
            "-n", schema, "-h", "127.0.0.1", "-p", cluster.Port.ToString(), "-U", "postgres", database), @"^\\(un)?restrict .*$", "",
            System.Text.RegularExpressions.RegexOptions.Multiline);
}
