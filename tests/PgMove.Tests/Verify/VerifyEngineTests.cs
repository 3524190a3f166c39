using Npgsql;
using PgMove.Connections;
using PgMove.Progress;
using PgMove.Tests.Infrastructure;
using PgMove.Verify;

namespace PgMove.Tests.Verify;

/// <summary>
/// The verify engine through its API: checksums split into many block ranges add up to the whole-table ones, and a
/// snapshot exported by the caller (the cutover's fence) is what the source is read in.
/// </summary>
[Collection("clusters")]
public sealed class VerifyEngineTests(ClusterPair clusters)
{
    VerifyOptions Options(string db) => new()
    {
        Source = ConnectionSpec.Parse(clusters.Source.Uri(db)),
        Target = ConnectionSpec.Parse(clusters.Target.Uri(db)),
        Jobs = 3,
    };

    [Fact]
    public async Task Block_range_checksums_add_up_and_differences_are_still_located()
    {
        const string db = "verify_engine_parts";
        await VerifyTests.PrepareAsync(clusters, db, VerifyTests.Base);
        // The target's rows land in another physical order: block ranges must not matter.
        await clusters.Target.ExecuteAsync(db, "CLUSTER t USING t_v");

        var whole = await new VerifyRunner(Options(db), NullProgressSink.Instance).RunAsync(CancellationToken.None);
        var split = await new VerifyRunner(Options(db) with { PartPages = 3 }, NullProgressSink.Instance).RunAsync(CancellationToken.None);

        Assert.True(whole.Equal);
        Assert.True(split.Equal);
        Assert.Equal(whole.Tables.Select(t => (t.Table, t.SourceRows, t.SourceChecksum, t.TargetChecksum)),
            split.Tables.Select(t => (t.Table, t.SourceRows, t.SourceChecksum, t.TargetChecksum)));
        Assert.Equal(20000, split.Tables.Single(t => t.Table == "public.t").TargetRows);

        await clusters.Target.ExecuteAsync(db, "DELETE FROM t WHERE id = 17; UPDATE t SET n = 'x' WHERE id = 19999");
        var different = await new VerifyRunner(Options(db) with { PartPages = 3, LeafRows = 10 }, NullProgressSink.Instance)
            .RunAsync(CancellationToken.None);
        var rows = different.Tables.Single(t => t.Table == "public.t").Rows;
        Assert.Equal([("missing on target", "17"), ("changed", "19999")], rows.Select(r => (r.Kind, r.Key["id"]!)));
    }

    [Fact]
    public async Task Source_is_read_in_the_snapshot_the_caller_supplies()
    {
        const string db = "verify_engine_fence";
        await VerifyTests.PrepareAsync(clusters, db, "CREATE TABLE f (id int PRIMARY KEY, v text); INSERT INTO f VALUES (1, 'a');");

        // The fence: a snapshot exported while both sides were equal, held open while the source moves on.
        await using var fence = await clusters.Source.OpenAsync(db);
        await using var tx = await fence.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        string snapshot;
        await using (var cmd = new NpgsqlCommand("SELECT pg_export_snapshot()", fence))
            snapshot = (string)(await cmd.ExecuteScalarAsync())!;
        await clusters.Source.ExecuteAsync(db, "INSERT INTO f VALUES (2, 'after the fence'); CREATE INDEX f_v ON f (v);");

        var atFence = await new VerifyRunner(Options(db) with { SourceSnapshot = snapshot }, NullProgressSink.Instance)
            .RunAsync(CancellationToken.None);
        var now = await new VerifyRunner(Options(db), NullProgressSink.Instance).RunAsync(CancellationToken.None);

        Assert.True(atFence.Equal, string.Join("; ", atFence.SchemaDifferences.Select(d => $"{d.Kind} {d.Name} {d.Difference}")));
        Assert.Equal(snapshot, atFence.SourceSnapshot);
        Assert.False(now.Equal);
        var row = Assert.Single(now.Tables.Single(t => t.Table == "public.f").Rows);
        Assert.Equal(("missing on target", "2"), (row.Kind, row.Key["id"]));
    }

    [Fact]
    public async Task Unknown_snapshot_name_is_an_error()
    {
        const string db = "verify_engine_badsnap";
        await VerifyTests.PrepareAsync(clusters, db, "CREATE TABLE f (id int PRIMARY KEY);");
        var e = await Assert.ThrowsAsync<PgMove.Errors.PgMoveException>(() =>
            new VerifyRunner(Options(db) with { SourceSnapshot = "00000003-0000FFFF-1" }, NullProgressSink.Instance).RunAsync(CancellationToken.None));
        Assert.Contains("snapshot", e.Message);
    }
}
