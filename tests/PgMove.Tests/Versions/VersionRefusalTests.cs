using PgMove.Tests.Infrastructure;
using PgMove.Tests.Preflight;

namespace PgMove.Tests.Versions;

/// <summary>
/// Versions pgmove cannot serve: a source newer than every pg_dump here (16+; Debian has pg_dump 15) and a target
/// older than the source. copy refuses before it changes anything, with the exit code and the way out; check reports both.
/// </summary>
[Collection("versions")]
public sealed class VersionRefusalTests(VersionServers servers)
{
    [Fact]
    public async Task Source_newer_than_every_pg_dump_is_refused_with_exit_8_and_how_to_point_pg_bin()
    {
        var source = await servers.GetAsync(17);
        var target = await servers.GetAsync(18);
        const string db = "too_new";
        await source.CreateDatabaseAsync(db);
        await source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);");
        await target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");

        var copy = await PgMoveProcess.RunAsync("copy", "--source", source.Uri(db), "--target", target.Uri(db), "--dir", PgMoveProcess.StateDir());
        Assert.True(copy.ExitCode == 8, copy.ToString());
        Assert.Contains("17", copy.Stderr);
        Assert.Contains("--pg-bin", copy.Stderr);
        Assert.False(await target.DatabaseExistsAsync(db));

        var check = await CheckRun.RunAsync("--source", source.Uri(db), "--target", target.Uri(db));
        check.ExpectExit(1);
        check.Expect("versions", "ok");
        var (evidence, fix) = check.Expect("pg_dump", "fail");
        Assert.Contains("17", evidence + fix);
        Assert.Contains("--pg-bin", fix);
    }

    [Fact]
    public async Task Target_older_than_the_source_is_refused_with_exit_9()
    {
        var source = await servers.GetAsync(15);
        var target = await servers.GetAsync(13);
        const string db = "downgrade";
        await source.CreateDatabaseAsync(db);
        await source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);");
        await target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");

        var copy = await PgMoveProcess.RunAsync("copy", "--source", source.Uri(db), "--target", target.Uri(db), "--dir", PgMoveProcess.StateDir());
        Assert.True(copy.ExitCode == 9, copy.ToString());
        Assert.Contains("13", copy.Stderr);
        Assert.False(await target.DatabaseExistsAsync(db));

        var check = await CheckRun.RunAsync("--source", source.Uri(db), "--target", target.Uri(db));
        check.ExpectExit(1);
        Assert.Contains("older", check.Expect("versions", "fail").Evidence);
        check.Expect("pg_dump", "ok");

        // Restoring an archive of that source into the older server is refused alike, for both kinds of archive.
        var own = Path.Combine(Path.GetTempPath(), "pgmove-tests", "archive-" + Guid.NewGuid().ToString("N"));
        var dump = await PgMoveProcess.RunAsync("dump", "--source", source.Uri(db), "--archive", own);
        Assert.True(dump.ExitCode == 0, dump.ToString());
        var pgDump = Path.Combine(Path.GetTempPath(), "pgmove-tests", "archive-" + Guid.NewGuid().ToString("N"));
        PostgresCluster.Run(Path.Combine(PostgresCluster.BinDirectory, "pg_dump"), ["--format=directory", $"--file={pgDump}", $"--dbname={source.Uri(db)}"]);
        foreach (var archive in new[] { own, pgDump })
        {
            var restore = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", target.Uri(db), "--dir", PgMoveProcess.StateDir());
            Assert.True(restore.ExitCode == 9, restore.ToString());
            Assert.Contains("older than the archive's source", restore.Stderr);
            Assert.False(await target.DatabaseExistsAsync(db));
        }
    }

    [Fact]
    public async Task Check_reports_a_too_new_source_and_an_older_target_together()
    {
        var source = await servers.GetAsync(16);
        var target = await servers.GetAsync(14);
        const string db = "both_wrong";
        await source.CreateDatabaseAsync(db);
        await source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY);");
        var check = await CheckRun.RunAsync("--source", source.Uri(db), "--target", target.Uri(db));
        check.ExpectExit(1);
        check.Expect("versions", "fail");
        check.Expect("pg_dump", "fail");
    }
}
