using PgMove.Filters;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Filters;

[Collection("clusters")]
public sealed class ExactPatternsTests(ClusterPair clusters)
{
    [Fact]
    public void Names_go_in_one_pattern_per_schema_cut_at_the_length_limit()
    {
        Assert.Equal(["\"s\".(\"a\"|\"b\")", "\"T\".\"x\"\"y\""], ExactPatterns.Of([("s", "a"), ("T", "x\"y"), ("s", "b")]));
        var cut = ExactPatterns.Of(Enumerable.Range(1, 10).Select(i => ("s", $"t{i}")), maxChars: 30);
        Assert.True(cut.Count > 1);
        Assert.All(cut, p => Assert.True(p.Length <= 30, p));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"t{i}"),
            cut.SelectMany(p => p.Replace("\"s\".", "").Trim('(', ')').Split('|')).Select(n => n.Trim('"')));
        Assert.Empty(ExactPatterns.Of([]));
    }

    [Fact]
    public void A_schema_whose_every_relation_is_meant_is_named_whole()
    {
        var relations = new Dictionary<string, int> { ["s"] = 3, ["T"] = 5 };
        var covered = new[] { ("s", "a"), ("s", "b"), ("s", "a_id_seq"), ("T", "x") };
        Assert.Equal(["s"], ExactPatterns.WholeSchemas(covered, relations));
        Assert.Equal(["\"s\".*", "\"T\".\"x\""], ExactPatterns.Of([("s", "a"), ("s", "b"), ("T", "x")], wholeSchemas: ExactPatterns.WholeSchemas(covered, relations)));
        Assert.Empty(ExactPatterns.WholeSchemas([("s", "a"), ("s", "a"), ("s", "b")], relations)); // a name twice is one relation
    }

    /// <summary>Names full of pattern and regular-expression characters, each beside decoys its unescaped form would match.</summary>
    static readonly (string Schema, string Name)[] Wanted =
    [
        ("Odd.S|chema", "a*b"), ("Odd.S|chema", "a.b"), ("Odd.S|chema", "A|B"), ("Odd.S|chema", "x\"y"), ("Odd.S|chema", "t$1"),
        ("public", "(p)"), ("public", "sp ace"), ("public", "Upper"), ("public", "a+b"), ("public", "[x]"), ("public", "^h"),
        ("public", "back\\slash"), ("public", "ü?"), ("public", "{2}"),
    ];

    static readonly (string Schema, string Name)[] Decoys =
    [
        ("Odd.S|chema", "aab"), ("Odd.S|chema", "axb"), ("Odd.S|chema", "A"), ("Odd.S|chema", "B"), ("Odd.S|chema", "a"), ("Odd.S|chema", "t"),
        ("public", "p"), ("public", "upper"), ("public", "aab"), ("public", "x"), ("public", "h"), ("public", "ü"), ("public", "üx"),
        ("public", "aa"), ("public", "sp"),
    ];

    [Fact]
    public async Task Pg_dump_selects_exactly_the_named_tables_with_table_and_exclude_table()
    {
        const string db = "exact_patterns";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE SCHEMA \"Odd.S|chema\"; CREATE SCHEMA odd; CREATE TABLE odd.\"a*b\" ();" +
            string.Concat(Wanted.Concat(Decoys).Select(t => $"CREATE TABLE {PgMove.Sql.Quote.Qualified(t.Schema, t.Name)} ();")));

        var wanted = ExactPatterns.Of(Wanted);
        Assert.Equal(2, wanted.Count);
        Assert.Equal(Names(Wanted), Dumped(db, wanted.Select(p => "--table=" + p)));
        Assert.Equal(Names(Decoys.Append(("odd", "a*b"))), Dumped(db, wanted.Select(p => "--exclude-table=" + p)));
        // A whole schema, its name full of pattern characters: all of its relations and nothing else.
        var odd = Wanted.Concat(Decoys).Where(t => t.Schema == "Odd.S|chema").ToList();
        var whole = ExactPatterns.Of(odd, wholeSchemas: new HashSet<string> { "Odd.S|chema" });
        Assert.Equal(["\"Odd.S|chema\".*"], whole);
        Assert.Equal(Names(odd), Dumped(db, whole.Select(p => "--table=" + p)));
        Assert.Equal(Names(Wanted.Concat(Decoys).Where(t => t.Schema != "Odd.S|chema").Append(("odd", "a*b"))),
            Dumped(db, whole.Select(p => "--exclude-table=" + p)));
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE {db}");
    }

    static List<string> Names(IEnumerable<(string Schema, string Name)> tables) =>
        tables.Select(t => PgMove.Sql.Quote.Qualified(t.Schema, t.Name)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The tables of a schema-only pg_dump with these selection arguments, as quoted qualified names.</summary>
    List<string> Dumped(string db, IEnumerable<string> selection)
    {
        var sql = PostgresCluster.Run($"{PostgresCluster.BinDirectory}/pg_dump", [.. selection, "--schema-only", "--quote-all-identifiers",
            "-h", "127.0.0.1", "-p", clusters.Source.Port.ToString(), "-U", "postgres", db]);
        return sql.Split('\n').Where(l => l.StartsWith("CREATE TABLE ", StringComparison.Ordinal))
            .Select(l => l["CREATE TABLE ".Length..].TrimEnd(' ', '(', ')', ';')).Order(StringComparer.Ordinal).ToList();
    }
}
