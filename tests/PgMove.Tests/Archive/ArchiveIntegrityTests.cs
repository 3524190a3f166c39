using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Archive;

/// <summary>
/// A damaged archive is never loaded: a missing, truncated or altered file stops the restore with exit 13 and a
/// message naming the file, before its table is loaded; --check-only finds the same; no manifest, no restore.
/// </summary>
[Collection("clusters")]
public sealed class ArchiveIntegrityTests(ClusterPair clusters)
{
    const int Damaged = 14;

    async Task<(string Db, string Archive)> DumpAsync(string db)
    {
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE small (id int PRIMARY KEY, v text);
            INSERT INTO small SELECT g, md5(g::text) FROM generate_series(1, 100) g;
            CREATE TABLE big (id int PRIMARY KEY, v text);
            INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 50000) g;
            """);
        var archive = ArchiveFixture.NewDirectory();
        var dump = await PgMoveProcess.RunAsync("dump", "--source", clusters.Source.Uri(db), "--archive", archive);
        Assert.True(dump.ExitCode == 0, dump.ToString());
        return (db, archive);
    }

    Task<PgMoveProcess.Result> RestoreAsync(string db, string archive) =>
        PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", clusters.Target.Uri(db), "--dir", PgMoveProcess.StateDir());

    [Fact]
    public async Task A_flipped_byte_stops_the_restore_before_its_table_is_loaded()
    {
        var (db, archive) = await DumpAsync("arc_flipped");
        var file = ArchiveFixture.DataFile(archive, "big");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);

        var check = await PgMoveProcess.RunAsync("restore", "--check-only", "--archive", archive);
        Assert.True(check.ExitCode == Damaged, check.ToString());
        Assert.Contains(file, check.Output);

        var restore = await RestoreAsync(db, archive);
        Assert.True(restore.ExitCode == Damaged, restore.ToString());
        Assert.Contains(file, restore.Output);
        Assert.Contains("altered", restore.Output);
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM big"));
    }

    [Fact]
    public async Task A_truncated_or_missing_file_stops_the_restore_before_anything_changes()
    {
        var (db, archive) = await DumpAsync("arc_truncated");
        var file = ArchiveFixture.DataFile(archive, "big");
        await using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(stream.Length - 10);

        var truncated = await RestoreAsync(db, archive);
        Assert.True(truncated.ExitCode == Damaged, truncated.ToString());
        Assert.Contains(file, truncated.Output);
        Assert.Contains("truncated", truncated.Output);
        Assert.False(await clusters.Target.ScalarAsync<bool>("postgres", $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{db}')"));

        File.Delete(file);
        var missing = await RestoreAsync(db, archive);
        Assert.True(missing.ExitCode == Damaged, missing.ToString());
        Assert.Contains(file, missing.Output);
        Assert.Contains("missing", missing.Output);
        Assert.False(await clusters.Target.ScalarAsync<bool>("postgres", $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{db}')"));
    }

    [Fact]
    public async Task Check_only_passes_an_intact_archive_and_an_archive_without_manifest_is_refused()
    {
        var (db, archive) = await DumpAsync("arc_manifest");
        var check = await PgMoveProcess.RunAsync("restore", "--check-only", "--archive", archive);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("complete and intact", check.Stdout);

        File.Delete(Path.Combine(archive, "manifest.json"));
        var refused = await RestoreAsync(db, archive);
        Assert.True(refused.ExitCode == Damaged, refused.ToString());
        Assert.Contains("incomplete", refused.Output);
        Assert.Contains("re-run pgmove dump", refused.Output);
        Assert.False(await clusters.Target.ScalarAsync<bool>("postgres", $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{db}')"));
        var checkRefused = await PgMoveProcess.RunAsync("restore", "--check-only", "--archive", archive);
        Assert.True(checkRefused.ExitCode == Damaged, checkRefused.ToString());
    }
}
