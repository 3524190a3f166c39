using System.Text.RegularExpressions;
using Npgsql;

namespace PgMove.Tests.Infrastructure;

/// <summary>
/// Proves two databases equal: same <c>pg_dump --schema-only</c> text, same sequence positions, same database
/// properties, and per table (and populated materialized view) the same row count and the same SHA-256 of the rows'
/// text forms in sorted order.
/// </summary>
public static class DatabaseComparer
{
    public static async Task AssertEqualAsync(PostgresCluster source, string sourceDb, PostgresCluster target, string targetDb)
    {
        Assert.Equal(SchemaDump(source, sourceDb), SchemaDump(target, targetDb));
        Assert.Equal(await SequencesAsync(source, sourceDb), await SequencesAsync(target, targetDb));
        Assert.Equal(await PropertiesAsync(source, sourceDb), await PropertiesAsync(target, targetDb));
        var expected = await ContentAsync(source, sourceDb);
        var actual = await ContentAsync(target, targetDb);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (table, content) in expected)
            Assert.True(content == actual[table], $"{table}: source {content}, target {actual[table]}");
    }

    /// <summary>pg_dump's schema text without the per-run \restrict key lines.</summary>
    public static string SchemaDump(PostgresCluster cluster, string database)
    {
        var text = PostgresCluster.Run($"{PostgresCluster.BinDirectory}/pg_dump", "--schema-only", "-h", "127.0.0.1",
            "-p", cluster.Port.ToString(), "-U", "postgres", database);
        return Regex.Replace(text, @"^\\(un)?restrict .*$", "", RegexOptions.Multiline);
    }

    public static async Task<Dictionary<string, string>> ContentAsync(PostgresCluster cluster, string database)
    {
        await using var connection = await cluster.OpenAsync(database);
        var relations = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE (c.relkind = 'r' OR (c.relkind = 'm' AND c.relispopulated))
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
            """, connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) relations.Add(reader.GetString(0));

        var result = new Dictionary<string, string>();
        foreach (var relation in relations)
        {
            await using var cmd = new NpgsqlCommand($"""
                SELECT count(*) || ' rows, sha256 ' || coalesce(encode(sha256(convert_to(
                         string_agg(r, E'\n' ORDER BY r COLLATE "C"), 'UTF8')), 'hex'), '-')
                FROM (SELECT t::text AS r FROM ONLY {relation} t) s
                """, connection);
            result[relation] = (string)(await cmd.ExecuteScalarAsync())!;
        }
        return result;
    }

    public static async Task<string> SequencesAsync(PostgresCluster cluster, string database)
    {
        await using var connection = await cluster.OpenAsync(database);
        await using var cmd = new NpgsqlCommand("""
            SELECT coalesce(string_agg(format('%I.%I=%s', schemaname, sequencename, coalesce(last_value::text, 'not called')),
                                       ', ' ORDER BY schemaname, sequencename), '')
            FROM pg_sequences
            """, connection);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    static async Task<string> PropertiesAsync(PostgresCluster cluster, string database)
    {
        await using var connection = await cluster.OpenAsync(database);
        await using var cmd = new NpgsqlCommand("""
            SELECT pg_encoding_to_char(encoding) || ' ' || datcollate || ' ' || datctype || ' ' || datlocprovider::text
                   || ' ' || coalesce((SELECT array_to_string(setconfig, ';') FROM pg_db_role_setting
                                       WHERE setdatabase = d.oid AND setrole = 0), '')
            FROM pg_database d WHERE datname = current_database()
            """, connection);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
