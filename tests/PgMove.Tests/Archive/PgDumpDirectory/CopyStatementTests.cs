using PgMove.Archive.PgDumpDirectory;
using PgMove.Errors;

namespace PgMove.Tests.Archive.PgDumpDirectory;

public sealed class CopyStatementTests
{
    [Fact]
    public void Reads_quoted_and_bare_names()
    {
        var copy = CopyStatement.Parse("COPY \"Odd Schema\".\"Weird \"\"name\"\"\" (id, \"Col, one\", plain) FROM stdin;\n", "1");
        Assert.Equal(("Odd Schema", "Weird \"name\""), (copy.Schema, copy.Table));
        Assert.Equal(["id", "Col, one", "plain"], copy.Columns);
        var plain = CopyStatement.Parse("COPY public.film_actor (actor_id, film_id, last_update) FROM stdin;", "2");
        Assert.Equal(("public", "film_actor", 3), (plain.Schema, plain.Table, plain.Columns.Count));
    }

    [Fact]
    public void A_table_without_columns_has_an_empty_list()
    {
        var copy = CopyStatement.Parse("COPY public.empty  FROM stdin;\n", "3");
        Assert.Equal(("public", "empty"), (copy.Schema, copy.Table));
        Assert.Empty(copy.Columns);
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES (1);")]
    [InlineData("COPY public.t (a, b FROM stdin;")]
    [InlineData("COPY public.t (a) TO stdout;")]
    [InlineData("COPY \"unterminated (a) FROM stdin;")]
    public void Refuses_anything_else(string sql)
    {
        var e = Assert.Throws<PgMoveException>(() => CopyStatement.Parse(sql, "42 (TABLE DATA public.t)"));
        Assert.Equal(ExitCode.ArchiveDamaged, e.ExitCode);
        Assert.Contains("42 (TABLE DATA public.t)", e.Message);
    }
}
