using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Versions;

/// <summary>
/// Version-dependent paths the dataset matrix does not take: an ICU database (its locale column is daticulocale on
/// 15-16, datlocale from 17) and split table copies (TID ranges from 14 on; one piece before).
/// </summary>
[Collection("versions")]
public sealed class VersionFeatureTests(VersionServers servers)
{
    [Theory]
    [InlineData(15, 17)]
    [InlineData(15, 18)]
    public async Task Icu_database_is_created_with_its_provider_on_a_newer_major(int sourceMajor, int targetMajor)
    {
        var source = await servers.GetAsync(sourceMajor);
        var target = await servers.GetAsync(targetMajor);
        const string db = "icu_db";
        await source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await source.ExecuteAsync("postgres", $"CREATE DATABASE {db} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
        await source.ExecuteAsync(db, "CREATE TABLE words (w text PRIMARY KEY); INSERT INTO words VALUES ('b'), ('B'), ('a'), ('ä');");
        await target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");

        var copy = await PgMoveProcess.RunAsync("copy", "--source", source.Uri(db), "--target", target.Uri(db),
            "--dir", PgMoveProcess.StateDir(), "--verify");
        Assert.True(copy.ExitCode == 0, copy.ToString());
        Assert.Contains("equal: schema and", copy.Stdout);
        Assert.Equal("i", await target.ScalarAsync<string>("postgres", $"SELECT datlocprovider::text FROM pg_database WHERE datname = '{db}'"));
        Assert.Equal("a,ä,b,B", await target.ScalarAsync<string>(db, "SELECT string_agg(w, ',' ORDER BY w) FROM words"));
        await CrossVersionComparer.AssertEqualAsync(source, db, target, db);
    }

    [Theory]
    [InlineData(12, 18)]
    [InlineData(14, 16)]
    public async Task Split_copies_across_versions_leave_an_equal_database(int sourceMajor, int targetMajor)
    {
        var source = await servers.GetAsync(sourceMajor);
        var target = await servers.GetAsync(targetMajor);
        var db = $"split_{sourceMajor}_{targetMajor}";
        await source.CreateDatabaseAsync(db);
        await source.ExecuteAsync(db, """
            CREATE TABLE keyed (id int PRIMARY KEY, v text);
            INSERT INTO keyed SELECT g, md5(g::text) FROM generate_series(1, 20000) g;
            CREATE TABLE keyless (v text, f float8);
            INSERT INTO keyless SELECT md5(g::text), g / 7.0 FROM generate_series(1, 20000) g;
            ANALYZE;
            """);
        await target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");

        var copy = await PgMoveProcess.RunAsync("copy", "--source", source.Uri(db), "--target", target.Uri(db),
            "--jobs", "2", "--split-larger-than", "200kB", "--dir", PgMoveProcess.StateDir(), "--verify");
        Assert.True(copy.ExitCode == 0, copy.ToString());
        Assert.Contains("equal: schema and", copy.Stdout);
        // An integer key splits on every version; a table without one by TID ranges, which only 14+ can scan.
        Assert.Contains("copy public.keyed part 1/", copy.Stdout);
        Assert.Equal(sourceMajor >= 14, copy.Stdout.Contains("copy public.keyless part 1/", StringComparison.Ordinal));
        await CrossVersionComparer.AssertEqualAsync(source, db, target, db);
    }
}
