using PgMove.Catalog;
using PgMove.Replication;
using PgMove.Tests.Infrastructure;
using PgMove.Tests.Preflight;

namespace PgMove.Tests.Replication;

/// <summary>
/// One rule book: <c>check --online</c> and <c>sync</c> ask the same rules, so they agree, word for word, on who may
/// replicate from the source and apply on the target.
/// </summary>
[Collection("clusters")]
public sealed class OnlineRulesTests(ClusterPair clusters)
{
    static PgMove.Catalog.ReplicationSettings Settings(bool replication, bool rds, string walLevel = "logical") =>
        new(walLevel, 10, 0, 10, 0, 60000, replication, rds);

    [Fact]
    public void Membership_in_rds_replication_is_a_replication_privilege()
    {
        Assert.True(OnlineRules.SourceMayReplicate(Settings(false, true), "app").Ok);
        Assert.True(OnlineRules.SourceMayReplicate(Settings(true, false), "app").Ok);
        var no = OnlineRules.SourceMayReplicate(Settings(false, false), "app");
        Assert.False(no.Ok);
        Assert.Contains("GRANT rds_replication TO \"app\"", no.Fix);
        Assert.False(OnlineRules.WalLevel(Settings(true, false, "replica")).Ok);
        Assert.False(OnlineRules.TargetMayApply(new ServerInfo(150000, "15", "k", "app", false, true)).Ok);
        Assert.True(OnlineRules.TargetMayApply(new ServerInfo(150000, "15", "k", "admin", true, true)).Ok);
    }

    [Fact]
    public async Task Check_online_and_sync_refuse_a_non_superuser_target_with_the_same_words()
    {
        const string db = "rules_target";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY)");
        await clusters.Target.ExecuteAsync("postgres", $"""
            DROP DATABASE IF EXISTS {db} WITH (FORCE);
            DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'apply_user') THEN
              CREATE ROLE apply_user LOGIN CREATEDB PASSWORD 'apply pw'; END IF; END $$;
            """);
        var target = clusters.Target.Uri(db, "apply_user", "apply pw");

        var check = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", target, "--online");
        var (evidence, fix) = check.Expect("apply-privilege", "fail");
        var sync = await PgMoveProcess.RunAsync("sync", "--source", clusters.Source.Uri(db), "--target", target, "--dir", PgMoveProcess.StateDir());

        Assert.True(sync.ExitCode == 5, sync.ToString());
        Assert.Contains(evidence, sync.Stderr);
        Assert.Contains(fix!, sync.Stderr);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
        await SyncFixtures.AssertNothingLeftAsync(clusters, db);

        // --apply native: the same rule for check's item and for sync (a PostgreSQL 15 target: superusers only).
        var (nativeEvidence, nativeFix) = check.Expect("apply-native", "warn");
        var native = await PgMoveProcess.RunAsync("sync", "--source", clusters.Source.Uri(db), "--target", target, "--dir", PgMoveProcess.StateDir(),
            "--apply", "native");
        Assert.True(native.ExitCode == 5, native.ToString());
        Assert.Contains(nativeEvidence, native.Stderr);
        Assert.Contains(nativeFix!, native.Stderr);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
    }

    [Fact]
    public void Apply_native_needs_a_superuser_or_pg_create_subscription_on_16_and_later()
    {
        Assert.True(OnlineRules.TargetMaySubscribe(new ServerInfo(150000, "15", "k", "admin", true, true), true).Ok);
        var old = OnlineRules.TargetMaySubscribe(new ServerInfo(150000, "15", "k", "app", false, true), false);
        Assert.False(old.Ok);
        Assert.Contains("superuser", old.Fix);
        var no = OnlineRules.TargetMaySubscribe(new ServerInfo(160000, "16", "k", "app", false, true), false);
        Assert.Contains("GRANT pg_create_subscription TO \"app\"", no.Fix);
        Assert.Contains("member of pg_create_subscription", OnlineRules.TargetMaySubscribe(new ServerInfo(160000, "16", "k", "app", false, true), true).Evidence);
    }
}
