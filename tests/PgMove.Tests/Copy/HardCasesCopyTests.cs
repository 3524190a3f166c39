using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>A database built to hold the cases that break migration tools, copied and compared.</summary>
[Collection("clusters")]
public sealed class HardCasesCopyTests(ClusterPair clusters)
{
    internal const string LongName = "a_table_name_of_exactly_sixty_three_characters_xxxxxxxxxxxxxxxx";

    internal static readonly string Schema = $$"""
        CREATE SCHEMA "Odd ""Schema"".x";
        SET search_path = "Odd ""Schema"".x", public;
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
        CREATE TYPE pair AS (a integer, b text);

        CREATE TABLE "Mixed Case ""Quoted"" table.ü" (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            "Spaced Col" text,
            feeling mood,
            feelings mood[],
            pos positive_int,
            p pair,
            tags text[],
            doc jsonb,
            raw bytea,
            n numeric,
            ts timestamptz,
            t timestamp,
            f float8,
            money_col money,
            iv interval,
            doubled integer GENERATED ALWAYS AS (pos * 2) STORED);
        INSERT INTO "Mixed Case ""Quoted"" table.ü" ("Spaced Col", feeling, feelings, pos, p, tags, doc, raw, n, ts, t, f, money_col, iv) VALUES
          ('tab	and
        newline \ backslash', 'happy', '{sad,happy}', 1, ROW(1, 'x,y'), '{"a b","c\"d",NULL}', '{"k": [1, 2, {"z": null}]}',
           '\x00ff10', 'NaN', 'infinity', '-infinity', 'NaN', 12.34, '1 year 2 mons 3 days 04:05:06.789'),
          ('', 'ok', '{}', 2, NULL, '{}', 'null', '', '-0.000001', '-infinity', 'infinity', '-0', -0.01, '-1 day'),
          (NULL, NULL, NULL, 3, ROW(NULL, NULL), NULL, NULL, NULL, 1e30, '2024-02-29 12:34:56.123456+05:30', '0001-01-01 BC', 1e-300, NULL, NULL),
          ('ünïcödé ✓ 𝄞', 'sad', '{ok}', 4, ROW(-1, ''), '{""}', '"str"', '\x', 123456789012345678901234567890.123456789, now(), now(), 'Infinity', 0, '0');

        CREATE TABLE {{LongName}} (k int, v text);
        INSERT INTO {{LongName}} SELECT g, md5(g::text) FROM generate_series(1, 5000) g;

        CREATE TABLE "dots.in.name" (id int PRIMARY KEY, parent int);
        CREATE TABLE "UPPER" (id int PRIMARY KEY, other int);
        INSERT INTO "dots.in.name" SELECT g, g FROM generate_series(1, 100) g;
        INSERT INTO "UPPER" SELECT g, g FROM generate_series(1, 100) g;
        ALTER TABLE "dots.in.name" ADD FOREIGN KEY (parent) REFERENCES "UPPER" (id);
        ALTER TABLE "UPPER" ADD FOREIGN KEY (other) REFERENCES "dots.in.name" (id);

        CREATE TABLE measurements (id int, at date NOT NULL, v float8, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE measurements_other PARTITION OF measurements DEFAULT;
        INSERT INTO measurements SELECT g, date '2023-06-01' + g, g / 7.0 FROM generate_series(1, 1000) g;
        CREATE INDEX ON measurements (v);

        CREATE TABLE animal (id int PRIMARY KEY, name text);
        CREATE TABLE dog (bark text) INHERITS (animal);
        CREATE TABLE puppy (age int) INHERITS (dog);
        INSERT INTO animal VALUES (1, 'generic');
        INSERT INTO dog VALUES (2, 'rex', 'woof');
        INSERT INTO puppy VALUES (3, 'bit', 'yip', 1);

        CREATE TABLE no_pk (a int, b text);
        INSERT INTO no_pk VALUES (1, 'x'), (1, 'x'), (NULL, NULL);
        CREATE UNLOGGED TABLE scratch (id serial PRIMARY KEY, note text);
        INSERT INTO scratch (note) VALUES ('u1'), ('u2');
        CREATE TABLE empty_table (id int PRIMARY KEY, x text);
        CREATE TABLE zero_columns ();
        INSERT INTO zero_columns DEFAULT VALUES;
        INSERT INTO zero_columns DEFAULT VALUES;
        CREATE TABLE dropped_col (a int, gone text, b text);
        INSERT INTO dropped_col VALUES (1, 'bye', 'b1');
        ALTER TABLE dropped_col DROP COLUMN gone;

        CREATE SEQUENCE counter START 10 INCREMENT 5;
        SELECT setval('counter', 12345);
        CREATE SEQUENCE never_used;

        CREATE TABLE audit (at timestamptz DEFAULT now(), what text);
        CREATE FUNCTION audit_it() RETURNS trigger LANGUAGE plpgsql AS $f$
          BEGIN INSERT INTO audit (what) VALUES (TG_OP || ' ' || NEW.id); RETURN NEW; END $f$;
        CREATE TRIGGER audit_empty AFTER INSERT ON empty_table FOR EACH ROW EXECUTE FUNCTION audit_it();

        CREATE MATERIALIZED VIEW dog_names AS SELECT id, name FROM dog;
        CREATE MATERIALIZED VIEW never_filled AS SELECT 1 AS one WITH NO DATA;
        CREATE VIEW "a view" AS SELECT k, v FROM {{LongName}} WHERE k < 10;
        COMMENT ON TABLE no_pk IS 'no primary key here';

        SELECT lo_from_bytea(0, 'large object payload'::bytea);
        ALTER DATABASE CURRENT SET search_path = "Odd ""Schema"".x", public;
        """;

    [Fact]
    public async Task Hard_cases_copy_identically()
    {
        const string db = "hard_cases";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, Schema.Replace("CURRENT", db));

        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--jobs", "4", "--dir", PgMoveProcess.StateDir());

        Assert.True(result.ExitCode == 0, result.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        Assert.Equal(
            await clusters.Source.ScalarAsync<string>(db, "SELECT string_agg(encode(lo_get(oid), 'escape'), ',') FROM pg_largeobject_metadata"),
            await clusters.Target.ScalarAsync<string>(db, "SELECT string_agg(encode(lo_get(oid), 'escape'), ',') FROM pg_largeobject_metadata"));
        Assert.Equal(2L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM \"Odd \"\"Schema\"\".x\".zero_columns"));
        Assert.False(await clusters.Target.ScalarAsync<bool>(db,
            "SELECT relispopulated FROM pg_class WHERE relname = 'never_filled'"));
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM \"Odd \"\"Schema\"\".x\".audit"));
    }
}
