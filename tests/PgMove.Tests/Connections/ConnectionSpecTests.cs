using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Tests.Connections;

public sealed class ConnectionSpecTests
{
    static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Uri_parts_are_decoded_and_the_password_never_shown()
    {
        var spec = ConnectionSpec.Parse("postgresql://app%40corp:p%40ss%20word@db.example:6543/my%20db?sslmode=require", NoEnvironment);
        Assert.Equal("app@corp", spec.User);
        Assert.Equal("db.example", spec.Host);
        Assert.Equal("6543", spec.Port);
        Assert.Equal("my db", spec.Database);
        Assert.Equal("app@corp@db.example:6543/my db", spec.ToString());
        Assert.DoesNotContain("p@ss word", spec.ToLibpqConnInfo());
        Assert.Equal("p@ss word", spec.ToolEnvironment()["PGPASSWORD"]);
        Assert.Contains("sslmode='require'", spec.ToLibpqConnInfo());
    }

    [Fact]
    public void Conninfo_with_quoted_values_and_environment_defaults()
    {
        var env = new Dictionary<string, string> { ["PGHOST"] = "envhost", ["PGUSER"] = "envuser", ["PGPORT"] = "7777" };
        var spec = ConnectionSpec.Parse(@"dbname='it\'s' user=bob password='a \'q\' b'", k => env.GetValueOrDefault(k));
        Assert.Equal("it's", spec.Database);
        Assert.Equal("bob", spec.User);
        Assert.Equal("envhost", spec.Host);
        Assert.Equal("7777", spec.Port);
        Assert.Equal("a 'q' b", spec.ToolEnvironment()["PGPASSWORD"]);
        Assert.True(spec.HasExplicitDatabase);
    }

    [Fact]
    public void Ipv6_host_and_missing_database()
    {
        var spec = ConnectionSpec.Parse("postgres://u@[::1]:5433", NoEnvironment);
        Assert.Equal("::1", spec.Host);
        Assert.Equal("5433", spec.Port);
        Assert.False(spec.HasExplicitDatabase);
        Assert.Equal("u", spec.Database);
        Assert.Equal("u@[::1]:5433/u", spec.ToString());
    }

    [Theory]
    [InlineData("host=x port=notaport")]
    [InlineData("host=x bogus=1")]
    [InlineData("host='unterminated")]
    [InlineData("postgres://x/db?sslmode=sometimes")]
    public void Malformed_strings_are_usage_errors(string text)
    {
        var e = Assert.Throws<PgMoveException>(() => ConnectionSpec.Parse(text, NoEnvironment).ToNpgsql("t"));
        Assert.Equal(ExitCode.Usage, e.ExitCode);
    }
}
