using System.Text.Json;
using PgMove.Tests.Copy;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Verify;

/// <summary>
/// <c>pgmove verify</c> end to end: equal databases exit 0; every kind of single-row difference is found and pinpointed
/// by its key in the --json report; schema differences are listed; keyless tables are counted, not pinpointed.
/// </summary>
[Collection("clusters")]
public sealed class VerifyTests(ClusterPair clusters)
{
    internal const string Base = """
        CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL, n text, z float8 NOT NULL DEFAULT 0,
                        CONSTRAINT t_v_check CHECK (v <> 'forbidden'));
        INSERT INTO t SELECT g, 'value ' || g, CASE WHEN g % 2 = 0 THEN '' END, 0 FROM generate_series(1, 20000) g;
        CREATE INDEX t_v ON t (v);
        CREATE SEQUENCE s;
        SELECT setval('s', 100);
        CREATE TABLE nokey (a int, b text);
        INSERT INTO nokey VALUES (1, 'x'), (1, 'x'), (2, 'y');
        CREATE TABLE "Composite Key" (region text, num int, note text, PRIMARY KEY (region, num));
        INSERT INTO "Composite Key" SELECT 'région ' || (g % 37), g, 'n' FROM generate_series(1, 5000) g;
        """;

    /// <summary>The same schema and rows on both sides, then <paramref name="targetChange"/> on the target only.</summary>
    internal static async Task PrepareAsync(ClusterPair clusters, string db, string sql, string? targetChange = null)
    {
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, sql);
        await clusters.Target.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync(db, sql);
        if (targetChange is not null) await clusters.Target.ExecuteAsync(db, targetChange);
    }

    async Task<(PgMoveProcess.Result Result, JsonElement Report)> VerifyJsonAsync(string db, params string[] extra)
    {
        var result = await PgMoveProcess.RunAsync(["verify", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--json", .. extra]);
        Assert.True(result.ExitCode is 0 or 1, result.ToString());
        return (result, JsonDocument.Parse(result.Stdout).RootElement);
    }

    static JsonElement Table(JsonElement report, string name) =>
        report.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == name);

    [Fact]
    public async Task Copied_hard_cases_verify_equal_and_exit_0()
    {
        const string db = "verify_hard_cases";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, HardCasesCopyTests.Schema.Replace("CURRENT", db));
        var copy = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--dir", PgMoveProcess.StateDir());
        Assert.True(copy.ExitCode == 0, copy.ToString());

        var (result, report) = await VerifyJsonAsync(db, "--acl");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(report.GetProperty("equal").GetBoolean());
        Assert.Equal(0, report.GetProperty("schemaDifferences").GetArrayLength());
        Assert.True(report.GetProperty("tables").GetArrayLength() >= 10);
        Assert.Contains("equal: schema and", result.Stderr);
        // Dropped columns on the source and zero-column tables are compared like any other table.
        Assert.Equal(1, Table(report, "Odd \"Schema\".x.dropped_col").GetProperty("targetRows").GetInt64());
        Assert.Equal(2, Table(report, "Odd \"Schema\".x.zero_columns").GetProperty("sourceRows").GetInt64());

        await clusters.Target.ExecuteAsync(db, "SELECT lo_put(oid, 0, 'L'::bytea) FROM pg_largeobject_metadata");
        var (changed, changedReport) = await VerifyJsonAsync(db);
        Assert.True(changed.ExitCode == 1, changed.ToString());
        var difference = Assert.Single(changedReport.GetProperty("schemaDifferences").EnumerateArray());
        Assert.Equal("large objects", difference.GetProperty("kind").GetString());
        Assert.StartsWith("1 large objects", difference.GetProperty("target").GetString());
    }

    [Theory]
    [InlineData("missing", "DELETE FROM t WHERE id = 4242", "missing on target", "4242", null)]
    [InlineData("extra", "INSERT INTO t VALUES (20001, 'value 20001', NULL, 0)", "extra on target", "20001", null)]
    [InlineData("changed", "UPDATE t SET v = 'other' WHERE id = 4242", "changed", "4242", "v")]
    [InlineData("null_vs_empty", "UPDATE t SET n = NULL WHERE id = 4242", "changed", "4242", "n")]
    [InlineData("trailing_space", "UPDATE t SET v = v || ' ' WHERE id = 4242", "changed", "4242", "v")]
    [InlineData("negative_zero", "UPDATE t SET z = '-0'::float8 WHERE id = 4242", "changed", "4242", "z")]
    public async Task Single_row_difference_is_found_and_pinpointed(string name, string change, string kind, string key, string? column)
    {
        var db = "verify_row_" + name;
        await PrepareAsync(clusters, db, Base, change);

        var (result, report) = await VerifyJsonAsync(db);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.False(report.GetProperty("equal").GetBoolean());
        Assert.Equal(0, report.GetProperty("schemaDifferences").GetArrayLength());
        var t = Table(report, "public.t");
        Assert.Equal("different", t.GetProperty("status").GetString());
        var row = Assert.Single(t.GetProperty("rows").EnumerateArray());
        Assert.Equal(kind, row.GetProperty("kind").GetString());
        Assert.Equal(key, row.GetProperty("key").GetProperty("id").GetString());
        if (column is not null)
            Assert.Equal([column], row.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        foreach (var other in new[] { "public.nokey", "public.\"Composite Key\"" })
            Assert.Equal("equal", Table(report, other.Replace("\"", "")).GetProperty("status").GetString());
        Assert.Contains($"{kind}: id='{key}'", result.Stderr);
    }

    [Fact]
    public async Task Composite_text_key_rows_are_pinpointed_up_to_max_rows()
    {
        const string db = "verify_composite";
        await PrepareAsync(clusters, db, Base, """
            UPDATE "Composite Key" SET note = 'changed' WHERE num IN (100, 2000, 4000);
            """);

        var (result, report) = await VerifyJsonAsync(db, "--max-rows", "2");

        Assert.True(result.ExitCode == 1, result.ToString());
        var t = Table(report, "public.Composite Key");
        var rows = t.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.True(t.GetProperty("moreRows").GetBoolean());
        foreach (var row in rows)
        {
            Assert.Equal("changed", row.GetProperty("kind").GetString());
            var num = row.GetProperty("key").GetProperty("num").GetString();
            Assert.Contains(num, new[] { "100", "2000", "4000" });
            Assert.Equal($"région {int.Parse(num!) % 37}", row.GetProperty("key").GetProperty("region").GetString());
            Assert.Equal("changed", row.GetProperty("target").GetProperty("note").GetString());
        }
    }

    [Fact]
    public async Task Changed_index_dropped_constraint_and_sequence_value_are_reported()
    {
        const string db = "verify_schema";
        await PrepareAsync(clusters, db, Base, """
            DROP INDEX t_v; CREATE INDEX t_v ON t (v, id);
            ALTER TABLE t DROP CONSTRAINT t_v_check;
            SELECT setval('s', 101);
            """);

        var (result, report) = await VerifyJsonAsync(db);

        Assert.True(result.ExitCode == 1, result.ToString());
        var differences = report.GetProperty("schemaDifferences").EnumerateArray()
            .Select(d => (d.GetProperty("kind").GetString(), d.GetProperty("name").GetString(), d.GetProperty("difference").GetString()))
            .ToList();
        Assert.Equal(
            [("constraint", "public.t.t_v_check", "missing on target"), ("index", "public.t_v", "differs"), ("sequence value", "public.s", "differs")],
            differences);
        var index = report.GetProperty("schemaDifferences").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "index");
        Assert.EndsWith("(v, id)", index.GetProperty("target").GetString());
        Assert.All(report.GetProperty("tables").EnumerateArray(), t => Assert.Equal("equal", t.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Changed_function_type_view_trigger_column_and_extension_are_reported()
    {
        const string db = "verify_schema_kinds";
        const string objects = """
            CREATE TYPE mood AS ENUM ('sad', 'ok');
            CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
            CREATE FUNCTION tg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
            CREATE TRIGGER t_tg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tg();
            CREATE VIEW small AS SELECT id FROM t WHERE id < 10;
            """;
        await PrepareAsync(clusters, db, Base + objects, """
            CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 2';
            ALTER TYPE mood ADD VALUE 'happy';
            ALTER TABLE t DISABLE TRIGGER t_tg;
            CREATE OR REPLACE VIEW small AS SELECT id FROM t WHERE id < 11;
            ALTER TABLE t ALTER COLUMN n SET DEFAULT 'x';
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            """);

        var (result, report) = await VerifyJsonAsync(db);

        Assert.True(result.ExitCode == 1, result.ToString());
        var differences = report.GetProperty("schemaDifferences").EnumerateArray()
            .Select(d => $"{d.GetProperty("kind").GetString()} {d.GetProperty("name").GetString()}: {d.GetProperty("difference").GetString()}")
            .ToList();
        Assert.Equal(
            [
                "extension pg_trgm: extra on target", "enum type public.mood: differs", "column public.t.n: differs",
                "view public.small: differs", "function public.f(x integer): differs", "trigger public.t.t_tg: differs",
            ],
            differences);
    }

    [Fact]
    public async Task Table_without_key_is_counted_not_pinpointed_and_exits_1()
    {
        const string db = "verify_nokey";
        await PrepareAsync(clusters, db, Base, "UPDATE nokey SET b = 'z' WHERE a = 2");

        var (result, report) = await VerifyJsonAsync(db);

        Assert.True(result.ExitCode == 1, result.ToString());
        var t = Table(report, "public.nokey");
        Assert.Equal("different", t.GetProperty("status").GetString());
        Assert.Equal(3, t.GetProperty("sourceRows").GetInt64());
        Assert.Equal(3, t.GetProperty("targetRows").GetInt64());
        Assert.NotEqual(t.GetProperty("sourceChecksum").GetString(), t.GetProperty("targetChecksum").GetString());
        Assert.Equal(0, t.GetProperty("rows").GetArrayLength());
        Assert.Contains("can't be pinpointed", t.GetProperty("note").GetString());
        Assert.Equal("equal", Table(report, "public.t").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Missing_table_and_extra_column_are_differences()
    {
        const string db = "verify_tables";
        await PrepareAsync(clusters, db, Base, "DROP TABLE nokey; ALTER TABLE t ADD COLUMN extra int;");

        var (result, report) = await VerifyJsonAsync(db);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("missing on target", Table(report, "public.nokey").GetProperty("status").GetString());
        var t = Table(report, "public.t");
        Assert.Equal("different", t.GetProperty("status").GetString());
        Assert.Contains("columns differ", t.GetProperty("note").GetString());
        Assert.Contains(report.GetProperty("schemaDifferences").EnumerateArray(),
            d => d.GetProperty("kind").GetString() == "column" && d.GetProperty("name").GetString() == "public.t.extra");
    }

    [Fact]
    public async Task Dropped_columns_on_either_side_do_not_matter()
    {
        const string db = "verify_dropped";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE d (id int PRIMARY KEY, gone1 text, a text, b numeric);
            INSERT INTO d SELECT g, 'x', 'a' || g, g / 3.0 FROM generate_series(1, 1000) g;
            ALTER TABLE d DROP COLUMN gone1;
            """);
        await clusters.Target.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync(db, """
            CREATE TABLE d (id int PRIMARY KEY, a text, gone2 int, b numeric);
            INSERT INTO d SELECT g, 'a' || g, g, g / 3.0 FROM generate_series(1, 1000) g;
            ALTER TABLE d DROP COLUMN gone2;
            """);

        var (result, report) = await VerifyJsonAsync(db);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1000, Table(report, "public.d").GetProperty("targetRows").GetInt64());
    }

    [Fact]
    public async Task Privileges_are_compared_only_with_acl()
    {
        const string db = "verify_acl";
        const string role = "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'verify_reader') THEN CREATE ROLE verify_reader; END IF; END $$";
        await clusters.Source.ExecuteAsync("postgres", role);
        await clusters.Target.ExecuteAsync("postgres", role);
        await PrepareAsync(clusters, db, Base, "GRANT SELECT ON t TO verify_reader");

        var (without, _) = await VerifyJsonAsync(db);
        var (with, report) = await VerifyJsonAsync(db, "--acl");

        Assert.True(without.ExitCode == 0, without.ToString());
        Assert.True(with.ExitCode == 1, with.ToString());
        var difference = Assert.Single(report.GetProperty("schemaDifferences").EnumerateArray());
        Assert.Equal(("privileges", "table public.t", "differs"), (difference.GetProperty("kind").GetString(),
            difference.GetProperty("name").GetString(), difference.GetProperty("difference").GetString()));
        Assert.Contains("verify_reader=r/", difference.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Unreachable_target_exits_3()
    {
        const string db = "verify_unreachable";
        await clusters.Source.CreateDatabaseAsync(db);
        var result = await PgMoveProcess.RunAsync("verify", "--source", clusters.Source.Uri(db),
            "--target", "postgres://postgres@127.0.0.1:1/nowhere");
        Assert.True(result.ExitCode == 3, result.ToString());
        var error = Assert.Single(result.Stderr.Split('\n'), l => l.StartsWith("pgmove: error:"));
        Assert.Contains("target postgres@127.0.0.1:1/nowhere: cannot connect", error);
    }

    [Fact]
    public async Task Environment_connections_are_used()
    {
        const string db = "verify_env";
        await PrepareAsync(clusters, db, "CREATE TABLE e (id int PRIMARY KEY); INSERT INTO e VALUES (1), (2);");
        var result = await PgMoveProcess.RunAsync(new Dictionary<string, string>
        {
            ["PGMOVE_SOURCE"] = clusters.Source.Uri(db), ["PGMOVE_TARGET"] = clusters.Target.Uri(db),
        }, "verify");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("public.e", result.Stdout);
    }
}
