using PgMove.Tests.Copy;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Archive;

/// <summary>restore --single-transaction: all or nothing.</summary>
[Collection("clusters")]
public sealed class SingleTransactionTests(ClusterPair clusters)
{
    [Fact]
    public async Task Hard_cases_restore_identically_in_one_transaction()
    {
        const string db = "arc_single";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, HardCasesCopyTests.Schema.Replace("CURRENT", db));
        var archive = ArchiveFixture.NewDirectory();
        var dump = await PgMoveProcess.RunAsync("dump", "--source", clusters.Source.Uri(db), "--archive", archive);
        Assert.True(dump.ExitCode == 0, dump.ToString());

        var restore = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", clusters.Target.Uri(db),
            "--single-transaction", "--verify", "--dir", PgMoveProcess.StateDir());

        Assert.True(restore.ExitCode == 0, restore.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        const string objects = "SELECT string_agg(encode(lo_get(oid), 'escape'), ',') FROM pg_largeobject_metadata";
        Assert.Equal(await clusters.Source.ScalarAsync<string>(db, objects), await clusters.Target.ScalarAsync<string>(db, objects));
    }

    [Fact]
    public async Task A_failure_leaves_an_existing_target_as_it_was_and_drops_a_database_it_created()
    {
        const string db = "arc_single_fail";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE a_first (id int PRIMARY KEY);
            INSERT INTO a_first SELECT generate_series(1, 1000);
            CREATE TABLE z_last (id int PRIMARY KEY, v text);
            INSERT INTO z_last SELECT g, md5(g::text) FROM generate_series(1, 20000) g;
            """);
        var archive = ArchiveFixture.NewDirectory();
        var dump = await PgMoveProcess.RunAsync("dump", "--source", clusters.Source.Uri(db), "--archive", archive);
        Assert.True(dump.ExitCode == 0, dump.ToString());
        var file = ArchiveFixture.DataFile(archive, "z_last");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(file, bytes);

        // An existing, empty target: afterwards it holds nothing, not even the tables pre-data made.
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Target.ExecuteAsync("postgres", $"CREATE DATABASE {db}");
        var existing = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", clusters.Target.Uri(db),
            "--single-transaction", "--dir", PgMoveProcess.StateDir());
        Assert.True(existing.ExitCode == 14, existing.ToString());
        Assert.Contains(file, existing.Output);
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db,
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"));

        // A database the restore created is dropped again.
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE {db}");
        var created = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", clusters.Target.Uri(db),
            "--single-transaction", "--dir", PgMoveProcess.StateDir());
        Assert.True(created.ExitCode == 14, created.ToString());
        Assert.False(await clusters.Target.ScalarAsync<bool>("postgres", $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{db}')"));
    }
}
