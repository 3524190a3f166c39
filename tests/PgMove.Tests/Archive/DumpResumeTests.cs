using PgMove.Tests.Infrastructure;
using PgMove.Tests.Resume;

namespace PgMove.Tests.Archive;

/// <summary>
/// pgmove dump killed with SIGKILL once a data file is done, then dump --resume: the finished files are checked and
/// kept (a damaged one is written again), the manifest is written, and the restored database equals the source.
/// </summary>
[Collection("clusters")]
public sealed class DumpResumeTests(ClusterPair clusters)
{
    [Fact]
    public async Task A_dump_killed_mid_run_is_finished_by_resume_and_restores_identically()
    {
        await ResumeFixture.CreateSourceAsync(clusters.Source);
        const string target = "arc_resumed";
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {target} WITH (FORCE)");
        var archive = ArchiveFixture.NewDirectory();
        string[] dump = ["dump", "--source", clusters.Source.Uri(ResumeFixture.Db), "--archive", archive, "--jobs", "1"];

        string killedOutput;
        using (var killed = BackgroundPgMove.Start(dump))
        {
            await killed.WaitForOutputAsync("done  dump public.", TimeSpan.FromMinutes(2));
            Assert.False(killed.HasExited, $"the dump ended before the kill:\n{killed.Output}");
            killed.Kill9();
            killedOutput = killed.Output;
        }
        Assert.False(File.Exists(Path.Combine(archive, "manifest.json")), killedOutput);
        var refused = await PgMoveProcess.RunAsync(dump);
        Assert.Equal(11, refused.ExitCode); // refused: not empty, only --resume goes on
        var finished = File.ReadAllLines(Path.Combine(archive, "dump-state", "files.jsonl"));
        Assert.NotEmpty(finished);
        // Two finished files: one stays as it is, one gets a flipped byte, which the resume must see and write again.
        var kept = finished.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("Name").GetString()!).ToList();
        var damaged = Path.Combine(archive, kept[^1]);
        var bytes = await File.ReadAllBytesAsync(damaged);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(damaged, bytes);

        var resumed = await PgMoveProcess.RunAsync([.. dump, "--resume"]);
        Assert.True(resumed.ExitCode == 0, $"killed run:\n{killedOutput}\nresume:\n{resumed}");
        Assert.Matches($"resume: {kept.Count - 1} finished file\\(s\\) checked and kept; damaged, written again: {kept[^1]}", resumed.Output);
        var check = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--check-only");
        Assert.True(check.ExitCode == 0, check.ToString());

        var restore = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", clusters.Target.Uri(target),
            "--jobs", "2", "--verify", "--dir", PgMoveProcess.StateDir());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        await ResumeFixture.AssertCopiedAsync(clusters, target);

        var again = await PgMoveProcess.RunAsync([.. dump, "--resume"]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already complete", again.Output);
    }

    [Fact]
    public async Task A_column_added_since_the_interrupted_dump_makes_its_table_dumped_again()
    {
        await ResumeFixture.CreateSourceAsync(clusters.Source);
        const string target = "arc_reshaped";
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {target} WITH (FORCE)");
        var archive = ArchiveFixture.NewDirectory();
        string[] dump = ["dump", "--source", clusters.Source.Uri(ResumeFixture.Db), "--archive", archive, "--jobs", "2"];
        var first = await PgMoveProcess.RunAsync(dump);
        Assert.True(first.ExitCode == 0, first.ToString());
        // As if killed after its last data file: every file finished, no manifest.
        File.Delete(Path.Combine(archive, "manifest.json"));
        var oid = Path.GetFileName(Directory.GetFiles(archive, "*.zst").Order().First()).Split('.')[0];
        var table = await clusters.Source.ScalarAsync<string>(ResumeFixture.Db, $"SELECT {oid}::oid::regclass::text");
        // ADD COLUMN without a default rewrites nothing: the table's file node and row counters stay as they were.
        await clusters.Source.ExecuteAsync(ResumeFixture.Db, $"ALTER TABLE {table} ADD COLUMN added_later int");

        var resumed = await PgMoveProcess.RunAsync([.. dump, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("changed on the source since, dumped again: dump ", resumed.Output);
        Assert.Contains(table.Replace("\"", ""), resumed.Output.Split("dumped again:")[1]);
        var restore = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", clusters.Target.Uri(target),
            "--jobs", "2", "--verify", "--dir", PgMoveProcess.StateDir());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        await ResumeFixture.AssertCopiedAsync(clusters, target);
        await clusters.Source.ExecuteAsync(ResumeFixture.Db, $"ALTER TABLE {table} DROP COLUMN added_later");
    }

    [Fact]
    public async Task Resume_of_a_directory_without_an_interrupted_dump_is_refused()
    {
        await ResumeFixture.CreateSourceAsync(clusters.Source);
        var archive = ArchiveFixture.NewDirectory();
        Directory.CreateDirectory(archive);
        var result = await PgMoveProcess.RunAsync("dump", "--source", clusters.Source.Uri(ResumeFixture.Db), "--archive", archive, "--resume");
        Assert.Equal(11, result.ExitCode);
        Assert.Contains("holds no interrupted pgmove dump", result.Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(archive));
    }
}
