using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Archive;

/// <summary>
/// pgmove dump takes the copy's filters: the archive holds what they select, and the restore brings exactly that;
/// tables whose columns are mostly of variable width are archived in text, the others in binary.
/// </summary>
[Collection("clusters")]
public sealed class ArchiveFiltersTests(ClusterPair clusters)
{
    const string Source = """
        CREATE TABLE kept (id int PRIMARY KEY, n bigint, at timestamptz, note text);
        INSERT INTO kept SELECT g, g * 3, timestamptz '2024-01-01' + g * interval '1 minute', 'n' || g FROM generate_series(1, 500) g;
        CREATE TABLE wide (id int PRIMARY KEY, title text, attrs jsonb, amount numeric(10,2), blob bytea);
        INSERT INTO wide SELECT g, 'w' || g, jsonb_build_object('g', g), g / 7.0, decode(md5(g::text), 'hex') FROM generate_series(1, 500) g;
        CREATE TABLE no_rows (id int PRIMARY KEY, v text);
        INSERT INTO no_rows SELECT g, 'v' FROM generate_series(1, 50) g;
        CREATE TABLE left_out (id int);
        INSERT INTO left_out VALUES (1);
        CREATE SCHEMA other;
        CREATE TABLE other.t (id int);
        INSERT INTO other.t VALUES (1);
        CREATE SEQUENCE kept_seq; SELECT setval('kept_seq', 77);
        """;

    [Fact]
    public async Task Filtered_dump_restores_only_what_the_filters_select()
    {
        const string db = "arc_filtered";
        await DumpAndRestoreAsync(db,
            "--exclude-schema", "other", "--exclude-table", "left_out", "--exclude-table-data", "no_rows", "--where", "kept=id <= 100");

        Assert.Equal(100L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM kept"));
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM no_rows"));
        Assert.Equal(500L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM wide"));
        Assert.Equal(77L, await clusters.Target.ScalarAsync<long>(db, "SELECT last_value FROM kept_seq"));
        Assert.False(await clusters.Target.ScalarAsync<bool>(db, "SELECT to_regclass('left_out') IS NOT NULL OR to_regnamespace('other') IS NOT NULL"));
        Assert.True(await clusters.Target.ScalarAsync<bool>(db, "SELECT count(*) = 1 FROM pg_index WHERE indrelid = 'no_rows'::regclass"));
    }

    [Fact]
    public async Task Mostly_variable_width_tables_are_archived_in_text_and_restore_identically()
    {
        const string db = "arc_formats";
        var archive = await DumpAndRestoreAsync(db);

        Assert.EndsWith(".binary.zst", ArchiveFixture.DataFile(archive, "kept")); // 3 of 4 columns fixed-width
        Assert.EndsWith(".text.zst", ArchiveFixture.DataFile(archive, "wide")); // 1 of 5
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }

    /// <summary>Creates the source database <paramref name="db"/>, dumps it with <paramref name="filters"/>, restores it; returns the archive.</summary>
    async Task<string> DumpAndRestoreAsync(string db, params string[] filters)
    {
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, Source);
        var archive = ArchiveFixture.NewDirectory();
        var dump = await PgMoveProcess.RunAsync(["dump", "--source", clusters.Source.Uri(db), "--archive", archive, .. filters]);
        Assert.True(dump.ExitCode == 0, dump.ToString());
        var restore = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", clusters.Target.Uri(db),
            "--verify", "--dir", PgMoveProcess.StateDir());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        return archive;
    }
}
