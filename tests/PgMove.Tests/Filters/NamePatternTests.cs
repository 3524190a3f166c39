using PgMove.Errors;
using PgMove.Filters;

namespace PgMove.Tests.Filters;

/// <summary>Patterns become the regular expressions pg_dump's processSQLNamePattern makes of them.</summary>
public sealed class NamePatternTests
{
    [Theory]
    [InlineData("orders", null, "^(orders)$")]
    [InlineData("Orders", null, "^(orders)$")]                      // unquoted letters fold to lower case
    [InlineData("\"Orders\"", null, "^(Orders)$")]                  // quoted: case kept
    [InlineData("app.ord*", "^(app)$", "^(ord.*)$")]
    [InlineData("a?p.*", "^(a.p)$", "^(.*)$")]
    [InlineData("\"my.schema\".\"t*\"", "^(my\\.schema)$", "^(t\\*)$")] // quoted dot and star are literal
    [InlineData("\"a\"\"b\"", null, "^(a\"b)$")]                    // "" inside quotes is one quote
    [InlineData("price$", null, "^(price\\$)$")]                    // $ always literal
    [InlineData("int[]", null, "^(int\\[])$")]                     // [] kept literal
    [InlineData("(foo|bar)", null, "^((foo|bar))$")]                // other regex characters pass through unquoted
    [InlineData("FOO\"Bar\"", null, "^(fooBar)$")]                  // mixed quoted and unquoted parts
    public void Table_patterns(string pattern, string? schema, string name)
    {
        var p = NamePattern.ForTable(pattern, "--table");
        Assert.Equal(schema, p.Schema);
        Assert.Equal(name, p.Name);
        Assert.Null(p.Database);
    }

    [Fact]
    public void Three_parts_name_a_database_which_must_be_the_source()
    {
        var p = NamePattern.ForTable("Shop.app.orders", "--table");
        Assert.Equal("shop", p.Database);
        Assert.Equal("^(app)$", p.Schema);
        p.CheckDatabase("shop", "--table");
        var e = Assert.Throws<PgMoveException>(() => p.CheckDatabase("other", "--table"));
        Assert.Equal(ExitCode.Usage, e.ExitCode);
        Assert.Contains("cross-database references are not implemented", e.Message);
    }

    [Fact]
    public void Schema_patterns_take_one_dot_for_the_database()
    {
        var p = NamePattern.ForSchema("app*", "--schema");
        Assert.Equal("^(app.*)$", p.Name);
        Assert.Null(p.Database);
        var q = NamePattern.ForSchema("shop.\"App\"", "--schema");
        Assert.Equal("shop", q.Database);
        Assert.Equal("^(App)$", q.Name);
        Assert.Equal(ExitCode.Usage, Assert.Throws<PgMoveException>(() => NamePattern.ForSchema("a.b.c", "--schema")).ExitCode);
    }

    [Theory]
    [InlineData("a.b.c.d")]
    [InlineData("\"unterminated")]
    [InlineData("  ")]
    public void Bad_patterns_are_usage_errors(string pattern)
    {
        var e = Assert.Throws<PgMoveException>(() => NamePattern.ForTable(pattern, "--table"));
        Assert.Equal(ExitCode.Usage, e.ExitCode);
        Assert.Contains("--table", e.Message);
    }

    [Theory]
    [InlineData("app.orders=amount > 5", "^(orders)$", "amount > 5")]
    [InlineData("\"a=b\"=x = 1", "^(a=b)$", "x = 1")]
    public void Where_splits_at_the_first_equals_outside_quotes(string where, string name, string condition)
    {
        var (table, cond) = Assert.Single(new FilterOptions { Where = [where] }.WhereClauses());
        Assert.Equal(name, table.Name);
        Assert.Equal(condition, cond);
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("=x > 1")]
    [InlineData("orders=  ")]
    public void Where_without_table_or_condition_is_a_usage_error(string where) =>
        Assert.Equal(ExitCode.Usage, Assert.Throws<PgMoveException>(() => new FilterOptions { Where = [where] }.WhereClauses()).ExitCode);
}
