using Npgsql;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>The target is an image of the source at one instant, even while the source keeps taking writes.</summary>
[Collection("clusters")]
public sealed class ConsistencyTests(ClusterPair clusters)
{
    [Fact]
    public async Task Rows_written_during_the_copy_do_not_appear_and_tables_agree()
    {
        const string db = "consistency";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        // "big" takes a while to copy, "ledger" a moment: without one snapshot, ledger would hold later rows than big.
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE big (id bigint PRIMARY KEY, pad text);
            INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 400000) g;
            CREATE TABLE ledger (id bigint PRIMARY KEY);
            INSERT INTO ledger SELECT id FROM big;
            CREATE SEQUENCE ticket;
            """);
        var initial = await clusters.Source.ScalarAsync<long>(db, "SELECT count(*) FROM ledger");

        using var stopWriting = new CancellationTokenSource();
        var writer = WriteContinuouslyAsync(db, initial, stopWriting.Token);
        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--jobs", "2", "--dir", PgMoveProcess.StateDir());
        await Task.Delay(300);
        await stopWriting.CancelAsync();
        var written = await writer;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(written > 0, "the writer committed nothing while the copy ran");
        var sourceRows = await clusters.Source.ScalarAsync<long>(db, "SELECT count(*) FROM ledger");
        var bigRows = await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM big");
        var ledgerRows = await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM ledger");
        Assert.Equal(bigRows, ledgerRows);
        Assert.True(ledgerRows < sourceRows, $"target has {ledgerRows} rows, source {sourceRows}: rows written after the snapshot arrived");
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db,
            "SELECT count(*) FROM big FULL JOIN ledger USING (id) WHERE big.id IS NULL OR ledger.id IS NULL"));
        var sequence = await clusters.Target.ScalarAsync<long>(db, "SELECT last_value FROM ticket");
        Assert.True(sequence >= ledgerRows - initial, $"sequence {sequence} behind the {ledgerRows - initial} copied new rows");
    }

    async Task<long> WriteContinuouslyAsync(string db, long lastId, CancellationToken stop)
    {
        await using var connection = await clusters.Source.OpenAsync(db);
        long written = 0;
        while (!stop.IsCancellationRequested)
        {
            lastId++;
            await using var cmd = new NpgsqlCommand(
                $"BEGIN; SELECT nextval('ticket'); INSERT INTO big VALUES ({lastId}, 'new'); INSERT INTO ledger VALUES ({lastId}); COMMIT;",
                connection);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            written++;
            await Task.Delay(2, CancellationToken.None);
        }
        return written;
    }

    [Fact]
    public async Task The_comparer_sees_a_single_changed_value()
    {
        const string db = "comparer_check";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.CreateDatabaseAsync(db);
        const string schema = "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, g::text FROM generate_series(1, 50) g;";
        await clusters.Source.ExecuteAsync(db, schema);
        await clusters.Target.ExecuteAsync(db, schema);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);

        await clusters.Target.ExecuteAsync(db, "UPDATE t SET v = v || ' ' WHERE id = 17");
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(
            () => DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db));
    }
}
