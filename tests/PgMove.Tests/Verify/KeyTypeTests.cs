using System.Text.Json;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Verify;

/// <summary>
/// Row location cuts key ranges with key values in text form cast back to the key's type: it must work for keys
/// whose text form is not a plain number (padded char, timestamptz, uuid, numeric with a scale, an enum in a
/// quoted schema, a composite unique index instead of a primary key).
/// </summary>
[Collection("clusters")]
public sealed class KeyTypeTests(ClusterPair clusters)
{
    const string Schema = """
        CREATE SCHEMA "My Schema";
        CREATE TYPE "My Schema".color AS ENUM ('red', 'green', 'blue');
        CREATE TABLE k_char (k char(5) PRIMARY KEY, v int);
        INSERT INTO k_char SELECT lpad(g::text, 4, '0'), g FROM generate_series(1, 3000) g;
        CREATE TABLE k_ts (k timestamptz PRIMARY KEY, v int);
        INSERT INTO k_ts SELECT timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour 1 microsecond', g FROM generate_series(1, 3000) g;
        CREATE TABLE k_uuid (k uuid PRIMARY KEY, v int);
        INSERT INTO k_uuid SELECT md5(g::text)::uuid, g FROM generate_series(1, 3000) g;
        CREATE TABLE k_num (k numeric(12, 3) PRIMARY KEY, v int);
        INSERT INTO k_num SELECT g / 7.0, g FROM generate_series(1, 3000) g;
        CREATE TABLE "My Schema"."k enum" (c "My Schema".color, n int, v int, PRIMARY KEY (c, n));
        INSERT INTO "My Schema"."k enum" SELECT (enum_range(NULL::"My Schema".color))[1 + g % 3], g, g FROM generate_series(1, 3000) g;
        CREATE TABLE k_unique (a int NOT NULL, b text NOT NULL, v int, UNIQUE (b, a));
        INSERT INTO k_unique SELECT g, 'b' || (g % 10), g FROM generate_series(1, 3000) g;
        """;

    [Fact]
    public async Task Changed_row_is_pinpointed_whatever_the_key_type()
    {
        const string db = "verify_key_types";
        string[] tables = ["public.k_char", "public.k_ts", "public.k_uuid", "public.k_num", "My Schema.k enum", "public.k_unique"];
        await VerifyTests.PrepareAsync(clusters, db, Schema,
            string.Concat(tables.Select(t => $"UPDATE {Quoted(t)} SET v = -1 WHERE v = 1500;")));

        var result = await PgMoveProcess.RunAsync("verify", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        foreach (var name in tables)
        {
            var table = report.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == name);
            var row = Assert.Single(table.GetProperty("rows").EnumerateArray());
            Assert.Equal("changed", row.GetProperty("kind").GetString());
            Assert.Equal("-1", row.GetProperty("target").GetProperty("v").GetString());
            // The reported key finds, on the source, the row that was changed.
            var key = row.GetProperty("key").EnumerateObject().ToList();
            var where = string.Join(" AND ", key.Select(k => $"\"{k.Name}\"::text = '{k.Value.GetString()}'"));
            await using var connection = await clusters.Source.OpenAsync(db);
            await using var cmd = new Npgsql.NpgsqlCommand($"SET TimeZone = 'UTC'; SELECT v FROM {Quoted(name)} WHERE {where}", connection);
            Assert.Equal(1500, (int)(await cmd.ExecuteScalarAsync())!);
        }
        Assert.Equal(["b", "a"],
            report.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "public.k_unique")
                .GetProperty("key").EnumerateArray().Select(k => k.GetString()));
    }

    static string Quoted(string name)
    {
        var dot = name.IndexOf('.');
        return $"\"{name[..dot]}\".\"{name[(dot + 1)..]}\"";
    }
}
