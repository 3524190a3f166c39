using PgMove.Tests.Copy;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Archive;

/// <summary>
/// An archive written by the real <c>pg_dump --format=directory</c> (15, from Debian) restored by pgmove into another
/// server: the target equals the source; a cut or missing data file stops the restore, naming it.
/// </summary>
[Collection("clusters")]
public sealed class PgDumpRestoreTests(ClusterPair clusters)
{
    const int Damaged = 14;

    async Task<string> PgDumpAsync(string db, params string[] extra)
    {
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var archive = ArchiveFixture.NewDirectory();
        PostgresCluster.Run(Path.Combine(PostgresCluster.BinDirectory, "pg_dump"),
            ["--format=directory", "--jobs=2", $"--file={archive}", $"--dbname={clusters.Source.Uri(db)}", .. extra]);
        return archive;
    }

    Task<PgMoveProcess.Result> RestoreAsync(string db, string archive, params string[] extra) =>
        PgMoveProcess.RunAsync(["restore", "--archive", archive, "--target", clusters.Target.Uri(db), "--jobs", "2",
            "--dir", PgMoveProcess.StateDir(), .. extra]);

    async Task RestoreAndCompareAsync(string db)
    {
        var archive = await PgDumpAsync(db);
        var restore = await RestoreAsync(db, archive, "--verify");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains("pg_dump archive", restore.Output);
        Assert.Contains("row count matches", restore.Stdout);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        // No scratch database is left behind.
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgmove_scratch_%'"));
    }

    [DatasetTheory]
    [InlineData("pagila")]
    [InlineData("chinook")]
    [InlineData("northwind")]
    public async Task A_pg_dump_archive_of_a_dataset_restores_identically(string dataset)
    {
        var db = "pgd_" + dataset;
        await clusters.Source.CreateDatabaseAsync(db);
        PostgresCluster.Run("bash", Datasets.LoadScript, dataset, clusters.Source.Uri(db));
        await RestoreAndCompareAsync(db);
    }

    [Fact]
    public async Task A_pg_dump_archive_of_the_hard_cases_restores_identically_with_its_large_objects()
    {
        const string db = "pgd_hard_cases";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, HardCasesCopyTests.Schema.Replace("CURRENT", db));
        await RestoreAndCompareAsync(db);
        const string objects = "SELECT string_agg(oid::text || ':' || encode(lo_get(oid), 'escape'), ',' ORDER BY oid) FROM pg_largeobject_metadata";
        var source = await clusters.Source.ScalarAsync<string>(db, objects);
        Assert.False(string.IsNullOrEmpty(source));
        Assert.Equal(source, await clusters.Target.ScalarAsync<string>(db, objects));
    }

    async Task<(string Db, string Archive, string File)> DumpTwoTablesAsync(string db)
    {
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE small (id int PRIMARY KEY, v text);
            INSERT INTO small SELECT g, md5(g::text) FROM generate_series(1, 100) g;
            CREATE TABLE big (id int PRIMARY KEY, v text);
            INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 50000) g;
            """);
        var archive = await PgDumpAsync(db);
        var list = PostgresCluster.Run(Path.Combine(PostgresCluster.BinDirectory, "pg_restore"), "--list", archive);
        var dumpId = list.Split('\n').Single(l => l.Contains(" TABLE DATA public big ")).Split(';')[0];
        return (db, archive, Path.Combine(archive, $"{dumpId}.dat.gz"));
    }

    [Fact]
    public async Task A_cut_data_file_stops_the_restore_naming_it_and_its_table_stays_empty()
    {
        var (db, archive, file) = await DumpTwoTablesAsync("pgd_cut");
        await using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(stream.Length / 2);

        var check = await PgMoveProcess.RunAsync("restore", "--check-only", "--archive", archive);
        Assert.True(check.ExitCode == Damaged, check.ToString());
        Assert.Contains(file, check.Output);

        var restore = await RestoreAsync(db, archive);
        Assert.True(restore.ExitCode == Damaged, restore.ToString());
        Assert.Contains(file, restore.Output);
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM big"));
    }

    [Fact]
    public async Task A_missing_data_file_stops_the_restore_before_anything_changes()
    {
        var (db, archive, file) = await DumpTwoTablesAsync("pgd_missing");
        var intact = await PgMoveProcess.RunAsync("restore", "--check-only", "--archive", archive);
        Assert.True(intact.ExitCode == 0, intact.ToString());
        File.Delete(file);

        var restore = await RestoreAsync(db, archive);
        Assert.True(restore.ExitCode == Damaged, restore.ToString());
        Assert.Contains(file, restore.Output);
        Assert.Contains("missing", restore.Output);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
    }

    [Fact]
    public async Task Roles_are_refused_and_the_timeline_is_written_as_for_pgmoves_own_archive()
    {
        var (db, archive, _) = await DumpTwoTablesAsync("pgd_options");
        var roles = await RestoreAsync(db, archive, "--roles");
        Assert.True(roles.ExitCode == 2, roles.ToString());
        Assert.Contains("--roles needs a pgmove archive", roles.Output);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));

        var timeline = Path.Combine(Directory.CreateDirectory(PgMoveProcess.StateDir()).FullName, "timeline.json");
        var restore = await RestoreAsync(db, archive, "--timeline", timeline, "--tune-target");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.True(File.Exists(timeline), restore.ToString());
        Assert.True(File.Exists(Path.ChangeExtension(timeline, ".svg")), restore.ToString());
        Assert.Equal(50000L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM big"));
    }

    [Fact]
    public async Task An_archive_of_a_non_utf8_database_is_refused_before_anything_changes()
    {
        const string db = "pgd_latin1";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync("postgres", $"CREATE DATABASE {db} TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'café')");
        var archive = await PgDumpAsync(db);

        var restore = await RestoreAsync(db, archive);
        Assert.True(restore.ExitCode == 9, restore.ToString());
        Assert.Contains("encoding LATIN1", restore.Output);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
    }

    [Fact]
    public async Task No_owner_and_no_acl_restore_objects_of_a_role_the_target_lacks()
    {
        const string db = "pgd_no_owner";
        await clusters.Source.ExecuteAsync("postgres", "DO $$ BEGIN CREATE ROLE pgd_only_on_source; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE owned (id int PRIMARY KEY, v text);
            INSERT INTO owned SELECT g, g::text FROM generate_series(1, 1000) g;
            ALTER TABLE owned OWNER TO pgd_only_on_source;
            GRANT SELECT ON owned TO pgd_only_on_source;
            SELECT lo_from_bytea(0, 'owned blob'::bytea);
            """);
        await clusters.Source.ExecuteAsync(db, "DO $$ BEGIN EXECUTE format('ALTER LARGE OBJECT %s OWNER TO pgd_only_on_source', (SELECT max(oid) FROM pg_largeobject_metadata)); END $$");
        await clusters.Source.ExecuteAsync("postgres", $"ALTER ROLE pgd_only_on_source IN DATABASE {db} SET work_mem = '3MB'");
        var archive = await PgDumpAsync(db);

        var refused = await RestoreAsync(db, archive);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("pgd_only_on_source", refused.Output);

        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var restore = await RestoreAsync(db, archive, "--no-owner", "--no-acl", "--verify");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        // The role's setting for this database waits for a role the target lacks: said, not failed.
        Assert.Contains("not applied", restore.Output);
        Assert.Contains("ALTER ROLE \"pgd_only_on_source\" IN DATABASE", restore.Output.Replace("ALTER ROLE pgd_only_on_source", "ALTER ROLE \"pgd_only_on_source\""));
        Assert.Equal(1000L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM owned"));
        Assert.Equal("postgres", await clusters.Target.ScalarAsync<string>(db, "SELECT tableowner::text FROM pg_tables WHERE tablename = 'owned'"));
        Assert.Equal("owned blob", await clusters.Target.ScalarAsync<string>(db, "SELECT string_agg(convert_from(lo_get(oid), 'UTF8'), ',') FROM pg_largeobject_metadata"));
    }
}
