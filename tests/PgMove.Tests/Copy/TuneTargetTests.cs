using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>--tune-target changes the target's checkpoint settings only while the copy runs, and always puts them back.</summary>
[Collection("clusters")]
public sealed class TuneTargetTests(ClusterPair clusters)
{
    const string Db = "tune_source";

    [Fact]
    public async Task Settings_are_applied_during_the_copy_and_restored_after_success_and_after_failure()
    {
        await clusters.Source.CreateDatabaseAsync(Db);
        await clusters.Source.ExecuteAsync(Db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, g::text FROM generate_series(1, 1000) g;");
        // A value set earlier with ALTER SYSTEM must come back as it was, not be reset to the default.
        await clusters.Target.ExecuteAsync("postgres", "ALTER SYSTEM SET checkpoint_timeout = '6min'");
        await clusters.Target.ExecuteAsync("postgres", "SELECT pg_reload_conf()");
        try
        {
            var bin = FailingPostDataToolset(out var seenDuringRun);
            await clusters.Target.ExecuteAsync("postgres", "DROP DATABASE IF EXISTS tune_fail WITH (FORCE)");
            var failed = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri("tune_fail"),
                "--tune-target", "--pg-bin", bin, "--dir", PgMoveProcess.StateDir());
            Assert.True(failed.ExitCode == 10, failed.ToString());
            Assert.Equal("30min", File.ReadAllText(seenDuringRun).Trim());
            Assert.Contains("--tune-target: restored checkpoint_timeout", failed.Output);
            Assert.Equal("6min", await SettingAsync());

            await clusters.Target.ExecuteAsync("postgres", "DROP DATABASE IF EXISTS tune_ok WITH (FORCE)");
            var ok = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri("tune_ok"),
                "--tune-target", "--dir", PgMoveProcess.StateDir());
            Assert.True(ok.ExitCode == 0, ok.ToString());
            Assert.Contains("--tune-target: set checkpoint_timeout = 30min", ok.Output);
            Assert.Equal("6min", await SettingAsync());
            await DatabaseComparer.AssertEqualAsync(clusters.Source, Db, clusters.Target, "tune_ok");
        }
        finally
        {
            await clusters.Target.ExecuteAsync("postgres", "ALTER SYSTEM RESET checkpoint_timeout");
            await clusters.Target.ExecuteAsync("postgres", "SELECT pg_reload_conf()");
        }
    }

    async Task<string> SettingAsync()
    {
        // pg_reload_conf() signals the postmaster; give the reload a moment before reading the new value.
        await Task.Delay(300);
        var fromFile = await clusters.Target.ScalarAsync<string>("postgres",
            "SELECT setting FROM pg_file_settings WHERE name = 'checkpoint_timeout' AND sourcefile LIKE '%postgresql.auto.conf'");
        return fromFile;
    }

    /// <summary>Real pg_dump and pg_restore, except that restoring post-data records checkpoint_timeout and fails.</summary>
    static string FailingPostDataToolset(out string seenDuringRun)
    {
        var bin = Path.Combine(Path.GetTempPath(), "pgmove-tests", "failing-bin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(bin);
        seenDuringRun = Path.Combine(bin, "seen");
        File.CreateSymbolicLink(Path.Combine(bin, "pg_dump"), Path.Combine(PostgresCluster.BinDirectory, "pg_dump"));
        var script = Path.Combine(bin, "pg_restore");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            for a in "$@"; do
              case "$a" in
                --section=post-data) post=1 ;;
                --dbname=*) db="${a#--dbname=}" ;;
              esac
            done
            if [ -n "$post" ]; then
              {{PostgresCluster.BinDirectory}}/psql "$db" -XAtc 'show checkpoint_timeout' > '{{seenDuringRun}}' 2>&1
              echo "pg_restore: error: simulated failure" >&2
              exit 1
            fi
            exec {{PostgresCluster.BinDirectory}}/pg_restore "$@"
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                     UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return bin;
    }
}
