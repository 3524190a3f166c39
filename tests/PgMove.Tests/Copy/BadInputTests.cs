using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>
/// Each kind of bad input gets one clear error line and its own exit code, leaves the source untouched and the
/// target as it was.
/// </summary>
[Collection("clusters")]
public sealed class BadInputTests(ClusterPair clusters)
{
    const string Db = "bad_input_src";

    async Task<string> PrepareSourceAsync()
    {
        if (!await clusters.Source.DatabaseExistsAsync(Db))
        {
            await clusters.Source.CreateDatabaseAsync(Db);
            await clusters.Source.ExecuteAsync(Db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'one'), (2, 'two');");
        }
        return DatabaseComparer.SchemaDump(clusters.Source, Db) + string.Join(";", (await DatabaseComparer.ContentAsync(clusters.Source, Db)).Values);
    }

    async Task AssertSourceUntouchedAsync(string before) =>
        Assert.Equal(before, DatabaseComparer.SchemaDump(clusters.Source, Db) + string.Join(";", (await DatabaseComparer.ContentAsync(clusters.Source, Db)).Values));

    static Task EnsureLoginRoleAsync(PostgresCluster cluster, string role, string password) =>
        cluster.ExecuteAsync("postgres",
            $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN PASSWORD '{password}'; END IF; END $$");

    static void AssertOneErrorLine(PgMoveProcess.Result result, int exitCode, string expected)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var errors = result.Stderr.Split('\n').Where(l => l.StartsWith("pgmove: error:")).ToList();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0]);
    }

    [Fact]
    public async Task Unreachable_source_exits_3()
    {
        var result = await PgMoveProcess.RunAsync("copy", "--source", "postgres://postgres@127.0.0.1:1/nowhere",
            "--target", clusters.Target.Uri("never_created_1"), "--dir", PgMoveProcess.StateDir());
        AssertOneErrorLine(result, 3, "source postgres@127.0.0.1:1/nowhere: cannot connect");
        Assert.False(await clusters.Target.DatabaseExistsAsync("never_created_1"));
    }

    [Fact]
    public async Task Wrong_password_exits_4_and_never_shows_the_password()
    {
        var before = await PrepareSourceAsync();
        await EnsureLoginRoleAsync(clusters.Source, "pw_user", "right-Secret-1");
        const string wrong = "wr0ng-Secret-x9";
        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db, "pw_user", wrong),
            "--target", clusters.Target.Uri("never_created_2"), "--dir", PgMoveProcess.StateDir());
        AssertOneErrorLine(result, 4, "authentication failed");
        Assert.DoesNotContain(wrong, result.Output);
        Assert.False(await clusters.Target.DatabaseExistsAsync("never_created_2"));
        await AssertSourceUntouchedAsync(before);
    }

    [Fact]
    public async Task Target_equal_to_source_exits_7()
    {
        var before = await PrepareSourceAsync();
        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Source.Uri(Db),
            "--clean", "--dir", PgMoveProcess.StateDir());
        AssertOneErrorLine(result, 7, "the target is the source itself");
        await AssertSourceUntouchedAsync(before);
    }

    [Fact]
    public async Task Target_user_without_createdb_exits_5()
    {
        var before = await PrepareSourceAsync();
        await EnsureLoginRoleAsync(clusters.Target, "no_createdb", "pw-no-createdb");
        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db),
            "--target", clusters.Target.Uri("never_created_3", "no_createdb", "pw-no-createdb"), "--dir", PgMoveProcess.StateDir());
        AssertOneErrorLine(result, 5, "needs CREATEDB");
        Assert.DoesNotContain("pw-no-createdb", result.Output);
        Assert.False(await clusters.Target.DatabaseExistsAsync("never_created_3"));
        await AssertSourceUntouchedAsync(before);
    }

    [Fact]
    public async Task Non_empty_target_exits_6_without_clean_and_is_replaced_with_clean()
    {
        var before = await PrepareSourceAsync();
        const string target = "not_empty";
        await clusters.Target.CreateDatabaseAsync(target);
        // Only objects the source has too: a target-only one would make --clean refuse (tests/PgMove.Tests/Target/CleanTests.cs).
        await clusters.Target.ExecuteAsync(target, "CREATE TABLE t (id int, v text); INSERT INTO t VALUES (42, 'keep me');");

        var refused = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(target),
            "--dir", PgMoveProcess.StateDir());
        AssertOneErrorLine(refused, 6, "is not empty");
        Assert.Equal("42 keep me", await clusters.Target.ScalarAsync<string>(target, "SELECT string_agg(id || ' ' || v, ',') FROM t"));

        var cleaned = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(target),
            "--clean", "--dir", PgMoveProcess.StateDir());
        Assert.True(cleaned.ExitCode == 0, cleaned.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, Db, clusters.Target, target);
        await AssertSourceUntouchedAsync(before);
    }

    [Fact]
    public async Task No_suitable_pg_dump_exits_8()
    {
        var before = await PrepareSourceAsync();
        var bin = Path.Combine(Path.GetTempPath(), "pgmove-tests", "old-bin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "pg_dump", "pg_restore" })
        {
            var path = Path.Combine(bin, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho '{tool} (PostgreSQL) 11.22'\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri("never_created_4"),
            "--pg-bin", bin, "--dir", PgMoveProcess.StateDir());
        AssertOneErrorLine(result, 8, "no pg_dump/pg_restore of version 15 or newer");
        Assert.Contains("postgresql-client-15", result.Stderr);
        Assert.False(await clusters.Target.DatabaseExistsAsync("never_created_4"));
        await AssertSourceUntouchedAsync(before);
    }

    [Fact]
    public async Task Missing_source_option_is_a_usage_error()
    {
        var result = await PgMoveProcess.RunAsync("copy", "--target", clusters.Target.Uri("never_created_5"));
        AssertOneErrorLine(result, 2, "--source is required");
    }
}
