using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Versions;

/// <summary>
/// pgmove verify between servers of different majors: the same data written into both compares equal (no false
/// differences from text forms, hashing or deparsing), and a real difference in a row or a view is still found.
/// </summary>
[Collection("versions")]
public sealed class VerifyAcrossVersionsTests(VersionServers servers)
{
    const string Database = "verify_across";

    const string Schema = """
        CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE TYPE pair AS (a float8, b text);
        CREATE TABLE v (id int PRIMARY KEY, f8 float8, f4 real, n numeric, iv interval, j json, jb jsonb,
                        r4 int4range, rn numrange, rts tstzrange, rd daterange, ts timestamptz, t timestamp, tm time, tz timetz,
                        d date, b bytea, m money, bits bit varying, u uuid, ip inet, cidr_col cidr, mac macaddr, pt point,
                        bx box, c circle, x xml, tv tsvector, arr float8[], p pair, e mood, ch char(5), txt text);
        INSERT INTO v VALUES
          (1, 0.1, 0.1, 0.1, '1 year 2 mons 3 days 04:05:06.789', '{"b": 1,  "a": [1.0, 2e3]}', '{"b": 1, "a": [1.0, 2e3]}',
           '[1,5)', '[1.50,2.25]', '["2024-01-01 00:00+00","2024-06-01 12:00+02")', '[2024-01-01,2024-02-01)',
           '2024-02-29 12:34:56.123456+05:30', '0001-01-01 BC', '23:59:59.999999', '12:00+03', 'infinity', '\x00ff', 12.34,
           B'1011', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10.0.0.1/8', '10.0.0.0/8', '08:00:2b:01:02:03', '(0.1,-2.5)',
           '((0,0),(1.5,1e10))', '<(1,1),0.3>', '<a x="1">t</a>', 'a fat cat:3', '{0.1,NaN,-0,Infinity,1e-300}', ROW(1e300, 'x,y'), 'ok',
           'ab', 'ünïcödé ✓ 𝄞'),
          (2, 'NaN', '-Infinity', 'NaN', '-1 day +02:00', 'null', '"str"', 'empty', '(,)', '(,"2020-01-01 00:00+00"]', 'empty',
           '-infinity', 'infinity', '00:00', '00:00-11', '2000-01-01', '', -0.01, B'', NULL, '::1', '::/0', NULL, '(1e-300,-0)',
           NULL, NULL, NULL, '', '{}', ROW(NULL, NULL), NULL, NULL, ''),
          (3, -0.0, 1.17549435e-38, 1e-20, '0', '[]', '{}', '[-5,-3]', '(0,1e10)', NULL, NULL, '1999-12-31 23:59:59.5+00', NULL, NULL,
           NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'sad', 'x', NULL);
        INSERT INTO v (id, f8, f4, n, txt) SELECT g, g / 7.0, g / 3.0, g / 11.0, md5(g::text) FROM generate_series(4, 2000) g;
        CREATE VIEW one_table AS SELECT id, f8 FROM v WHERE id < 10;
        CREATE VIEW two_tables AS SELECT a.id, b.f8 FROM v a JOIN v b ON b.id = a.id + 1;
        CREATE SEQUENCE s;
        SELECT setval('s', 42);
        """;

    [Theory]
    [InlineData(12, 18)]
    [InlineData(14, 16)]
    public async Task Equal_data_on_different_majors_verifies_equal_and_a_real_difference_is_found(int sourceMajor, int targetMajor)
    {
        var source = await servers.GetAsync(sourceMajor);
        var target = await servers.GetAsync(targetMajor);
        await source.CreateDatabaseAsync(Database);
        await target.CreateDatabaseAsync(Database);
        await source.ExecuteAsync(Database, Schema);
        await target.ExecuteAsync(Database, Schema);
        // Same time zone for the insert of timestamptz literals is not needed (they carry offsets); the text of
        // the tables is the same on both servers, proven independently of pgmove:
        Assert.Equal((await DatabaseComparer.ContentAsync(source, Database))["public.v"],
            (await DatabaseComparer.ContentAsync(target, Database))["public.v"]);

        var equal = await PgMoveProcess.RunAsync("verify", "--source", source.Uri(Database), "--target", target.Uri(Database), "--jobs", "2");
        Assert.True(equal.ExitCode == 0, equal.ToString());
        Assert.Contains("equal: schema and", equal.Stdout);

        await target.ExecuteAsync(Database, """
            UPDATE v SET f8 = 0.1000000000000001 WHERE id = 1;
            UPDATE v SET iv = '-1 day +02:00:01' WHERE id = 2;
            CREATE OR REPLACE VIEW one_table AS SELECT id, f8 FROM v WHERE id < 11;
            """);
        var different = await PgMoveProcess.RunAsync("verify", "--source", source.Uri(Database), "--target", target.Uri(Database),
            "--jobs", "2", "--json");
        Assert.True(different.ExitCode == 1, different.ToString());
        Assert.Contains("\"equal\": false", different.Stdout);
        Assert.Contains("one_table", different.Stdout);
        Assert.Contains("\"f8\"", different.Stdout);
        Assert.Contains("\"iv\"", different.Stdout);
    }
}
