using PgMove.Catalog;
using PgMove.Preflight;
using PgMove.Preflight.Checks;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Preflight;

/// <summary>
/// Items whose failing situation needs a server this machine does not have (only PostgreSQL 15 is installed: no older
/// target, no server without ICU). The check is run end to end where it passes; the verdict logic is then fed the
/// server and database facts read from the real servers, with only the target's version (or ICU support) changed.
/// </summary>
[Collection("clusters")]
public sealed class VersionAndProviderTests(ClusterPair clusters)
{
    [Fact]
    public async Task Icu_source_database_passes_on_pg15_and_is_refused_by_a_target_without_icu_support()
    {
        const string db = "pf_icu";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync("postgres",
            $"CREATE DATABASE {db} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY)");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");

        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
        run.ExpectExit(0);
        Assert.Contains("icu", run.Expect("locale", "ok").Evidence);

        DatabaseInfo source;
        await using (var connection = await clusters.Source.OpenAsync(db))
            source = await DatabaseCatalog.ReadCurrentAsync(connection, 150000, CancellationToken.None);
        var target = await ReadServerAsync(clusters.Target);
        Assert.Equal('i', source.LocaleProvider);
        Assert.Null(LocaleCheck.ProviderSupport(source, target, targetHasIcu: true));
        var older = LocaleCheck.ProviderSupport(source, target with { VersionNum = 140011, Version = "14.11" }, targetHasIcu: true);
        Assert.Equal(Verdict.Fail, older?.Verdict);
        Assert.Contains("14.11", older!.Evidence);
        Assert.Equal(Verdict.Fail, LocaleCheck.ProviderSupport(source, target, targetHasIcu: false)?.Verdict);
        var builtin = LocaleCheck.ProviderSupport(source with { LocaleProvider = 'b', Locale = "C.UTF-8" }, target, targetHasIcu: true);
        Assert.Contains("version 17 or newer", builtin?.Fix);
    }

    [Fact]
    public async Task Older_target_major_version_fails_and_newer_passes()
    {
        var source = await ReadServerAsync(clusters.Source);
        var target = await ReadServerAsync(clusters.Target);
        Assert.Equal(Verdict.Ok, ServerCheck.Direction(source, target).Verdict);
        var older = ServerCheck.Direction(source, target with { VersionNum = 140011, Version = "14.11" });
        Assert.Equal(Verdict.Fail, older.Verdict);
        Assert.Contains("older", older.Evidence);
        var upgrade = ServerCheck.Direction(source with { VersionNum = 130015, Version = "13.15" }, target);
        Assert.Equal(Verdict.Ok, upgrade.Verdict);
        Assert.Contains("upgrade from 13 to 15", upgrade.Evidence);
    }

    static async Task<ServerInfo> ReadServerAsync(PostgresCluster cluster)
    {
        await using var connection = await cluster.OpenAsync();
        return await ServerCatalog.ReadAsync(connection, CancellationToken.None);
    }
}
