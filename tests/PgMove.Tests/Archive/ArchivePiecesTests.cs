using System.Text.Json;
using PgMove.Tests.Copy;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Archive;

/// <summary>
/// Archives of databases with more tables than the lock table holds: pgmove dump cuts the schema into the copy's
/// pieces (DumpPieces) under one snapshot, the manifest records them with their checksums, and restore restores every
/// piece with the copy's plan; integrity checks, --clean and dump --resume cover every piece; --single-transaction is
/// refused for such an archive.
/// </summary>
[Collection("clusters")]
public sealed class ArchivePiecesTests(ClusterPair clusters)
{
    const string Extras = """
        SELECT (SELECT string_agg(stxname || ':' || stxkeys::text || ':' || coalesce(stxstattarget::text, '-'), ',' ORDER BY stxname)
                FROM pg_statistic_ext)
               || ' / ' || (SELECT string_agg(pubname || ':' || schemaname || '.' || tablename || ':' || coalesce(rowfilter, '-')
                                              || ':' || attnames::text, ',' ORDER BY pubname, tablename)
                            FROM pg_publication_tables)
        """;

    static Dictionary<string, string> PiecesOf(int tables) => new() { ["PGMOVE_TEST_LOCK_PIECE"] = tables.ToString() };

    async Task CreateSourceAsync(string db, string extra = "")
    {
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync(db, HardCasesCopyTests.Schema.Replace("CURRENT", db));
        await clusters.Source.ExecuteAsync(db, ManyTablesCopyTests.Dependents + extra);
    }

    static async Task<string> DumpAsync(string db, string source, IReadOnlyDictionary<string, string> environment)
    {
        var archive = ArchiveFixture.NewDirectory();
        var dump = await PgMoveProcess.RunAsync(environment, "dump", "--source", source, "--archive", archive, "--jobs", "3");
        Assert.True(dump.ExitCode == 0, dump.ToString());
        Assert.Matches("the schema is dumped in [0-9]+ pieces of at most [0-9]+ tables", dump.Output);
        return archive;
    }

    Task<PgMoveProcess.Result> RestoreAsync(string db, string archive, params string[] extra) =>
        PgMoveProcess.RunAsync(["restore", "--archive", archive, "--target", clusters.Target.Uri(db), "--jobs", "3",
            "--dir", PgMoveProcess.StateDir(), .. extra]);

    /// <summary>The schema files the manifest records (schema.dump, schema.dump.1…) and its pieces' count.</summary>
    static (List<string> Files, int Pieces) SchemaFiles(string archive)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(archive, "manifest.json")));
        var files = manifest.RootElement.GetProperty("Files").EnumerateObject().Select(f => f.Name)
            .Where(n => n.StartsWith("schema.dump", StringComparison.Ordinal)).Order().ToList();
        return (files, manifest.RootElement.GetProperty("Pieces").GetProperty("Selections").GetArrayLength());
    }

    [Fact]
    public async Task More_tables_than_the_default_lock_table_holds_dump_and_restore_identically()
    {
        const string db = "arc_many_tables";
        // 1,600 tables: more than a quarter of the lock table at max_locks_per_transaction 64 (the rule's budget),
        // so pgmove dumps them in pieces with no knob; pg_dump of them all at once still fits, for the comparer.
        await CreateSourceAsync(db, """
            ;
            CREATE TABLE deps.big (id int PRIMARY KEY, v text);
            INSERT INTO deps.big SELECT g, md5(g::text) FROM generate_series(1, 5000) g;
            """);
        foreach (var sql in ManyTablesCopyTests.ManyTables(4, 400)) await clusters.Source.ExecuteAsync(db, sql);
        await clusters.Source.ExecuteAsync(db, "INSERT INTO tenant4.t400 SELECT g, 'x' FROM generate_series(1, 10) g");
        Assert.Equal("64", await clusters.Source.ScalarAsync<string>(db, "SHOW max_locks_per_transaction"));
        Assert.Equal("64", await clusters.Target.ScalarAsync<string>("postgres", "SHOW max_locks_per_transaction"));

        var archive = await DumpAsync(db, clusters.Source.Uri(db), new Dictionary<string, string>());
        var (files, pieces) = SchemaFiles(archive);
        Assert.True(pieces > 1, $"{pieces} piece(s)");
        Assert.Equal(Enumerable.Range(0, pieces).Select(i => i == 0 ? "schema.dump" : $"schema.dump.{i}").Order(), files);

        var restore = await RestoreAsync(db, archive, "--verify");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains("every table's row count matches the archive's manifest", restore.Stdout);
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        // What no piece has (SplitTableExtras): the extended statistics and the publications' split tables.
        Assert.Equal(await clusters.Source.ScalarAsync<string>(db, Extras), await clusters.Target.ScalarAsync<string>(db, Extras));
        Assert.Contains("parent_stats", await clusters.Target.ScalarAsync<string>(db, Extras));
        Assert.Contains("many_pieces_pub:deps.parent:(id > 3)", await clusters.Target.ScalarAsync<string>(db, Extras));
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE {db}");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE {db}");
    }

    [Fact]
    public async Task Ten_thousand_tables_dump_and_restore_at_default_lock_settings()
    {
        const string db = "arc_ten_thousand";
        // More tables than the whole lock table holds (64 × 82 slots here): one pg_dump of them, or a snapshot holder
        // locking them all, fails with 53200.
        await CreateSourceAsync(db);
        foreach (var sql in ManyTablesCopyTests.ManyTables(20, 500)) await clusters.Source.ExecuteAsync(db, sql);
        await clusters.Source.ExecuteAsync(db, "INSERT INTO tenant1.t1 SELECT g, md5(g::text) FROM generate_series(1, 1000) g");

        var archive = await DumpAsync(db, clusters.Source.Uri(db), new Dictionary<string, string>());
        Assert.True(SchemaFiles(archive).Pieces >= 5); // pieces of at most half the lock table (2,624 tables): piece 0 and 4
        var restore = await RestoreAsync(db, archive, "--verify");
        Assert.True(restore.ExitCode == 0, restore.ToString());

        Assert.Equal(10000L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM pg_tables WHERE schemaname LIKE 'tenant%'"));
        Assert.Equal(await DatabaseComparer.ContentAsync(clusters.Source, db), await DatabaseComparer.ContentAsync(clusters.Target, db));
        Assert.Equal(await DatabaseComparer.SequencesAsync(clusters.Source, db), await DatabaseComparer.SequencesAsync(clusters.Target, db));
        Assert.Equal(await clusters.Source.ScalarAsync<string>(db, Extras), await clusters.Target.ScalarAsync<string>(db, Extras));
        // pg_dump of one schema at a time fits in the lock table: the definitions, schema by schema.
        foreach (var schema in new[] { "deps", "public", "tenant1", "tenant20" })
            Assert.Equal(ManyTablesCopyTests.SchemaOf(clusters.Source, db, schema), ManyTablesCopyTests.SchemaOf(clusters.Target, db, schema));
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE {db}");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE {db}");
    }

    [Fact]
    public async Task Check_only_catches_a_damaged_piece_and_single_transaction_is_refused()
    {
        const string db = "arc_pieces_check";
        await CreateSourceAsync(db);
        var archive = await DumpAsync(db, clusters.Source.Uri(db), PiecesOf(3));
        var (files, pieces) = SchemaFiles(archive);
        Assert.Equal(pieces, files.Count);
        var intact = await PgMoveProcess.RunAsync("restore", "--check-only", "--archive", archive);
        Assert.True(intact.ExitCode == 0, intact.ToString());

        var refused = await RestoreAsync(db, archive, "--single-transaction");
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains($"dumped in {pieces} pieces", refused.Output);
        Assert.Contains("restore it without --single-transaction", refused.Output);
        Assert.False(await clusters.Target.ScalarAsync<bool>("postgres", $"SELECT EXISTS (SELECT FROM pg_database WHERE datname = '{db}')"));

        var damaged = Path.Combine(archive, "schema.dump.2");
        var bytes = await File.ReadAllBytesAsync(damaged);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(damaged, bytes);
        var check = await PgMoveProcess.RunAsync("restore", "--check-only", "--archive", archive);
        Assert.True(check.ExitCode == 14, check.ToString());
        Assert.Contains("schema.dump.2", check.Output);
        var restore = await RestoreAsync(db, archive);
        Assert.True(restore.ExitCode == 14, restore.ToString());
        Assert.Contains("schema.dump.2", restore.Output);
        Assert.False(await clusters.Target.ScalarAsync<bool>("postgres", $"SELECT EXISTS (SELECT FROM pg_database WHERE datname = '{db}')"));
    }

    [Fact]
    public async Task Clean_restores_a_split_archive_over_a_drifted_target()
    {
        const string db = "arc_pieces_clean";
        await CreateSourceAsync(db);
        var archive = await DumpAsync(db, clusters.Source.Uri(db), PiecesOf(3));
        var first = await RestoreAsync(db, archive);
        Assert.True(first.ExitCode == 0, first.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        // The target drifts; its publications (the source's, from the first restore) stay: clean drops them itself.
        await clusters.Target.ExecuteAsync(db, "INSERT INTO deps.child VALUES (1000, 1); DROP STATISTICS deps.child_stats;");

        var refused = await RestoreAsync(db, archive);
        Assert.True(refused.ExitCode == 6, refused.ToString());
        var clean = await RestoreAsync(db, archive, "--clean");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
        Assert.Equal(await clusters.Source.ScalarAsync<string>(db, Extras), await clusters.Target.ScalarAsync<string>(db, Extras));
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgmove_scratch_%'"));
    }

    [Fact]
    public async Task Dump_resume_dumps_the_pieces_again_and_the_archive_restores_identically()
    {
        const string db = "arc_pieces_resume";
        await CreateSourceAsync(db);
        string[] dump = ["dump", "--source", clusters.Source.Uri(db), "--archive", ArchiveFixture.NewDirectory(), "--jobs", "2"];
        var archive = dump[4];
        var first = await PgMoveProcess.RunAsync(PiecesOf(3), dump);
        Assert.True(first.ExitCode == 0, first.ToString());
        var (files, _) = SchemaFiles(archive);
        // As if killed after its last data file, with a piece torn and one more piece than the resume will make.
        File.Delete(Path.Combine(archive, "manifest.json"));
        await File.WriteAllTextAsync(Path.Combine(archive, files[^1]), "torn");
        await File.WriteAllTextAsync(Path.Combine(archive, "schema.dump.99"), "a piece of the interrupted run");
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE deps.after_the_kill (id int PRIMARY KEY); INSERT INTO deps.after_the_kill VALUES (1)");

        var resumed = await PgMoveProcess.RunAsync(PiecesOf(3), [.. dump, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Matches("resume: [1-9][0-9]* finished file\\(s\\) checked and kept", resumed.Output);
        Assert.Matches("the schema is dumped in [0-9]+ pieces", resumed.Output);
        Assert.False(File.Exists(Path.Combine(archive, "schema.dump.99")));
        var (resumedFiles, pieces) = SchemaFiles(archive);
        Assert.Equal(pieces, resumedFiles.Count);
        Assert.Equal(resumedFiles, Directory.GetFiles(archive, "schema.dump*").Select(f => Path.GetFileName(f)).Order().ToList());
        var check = await PgMoveProcess.RunAsync("restore", "--check-only", "--archive", archive);
        Assert.True(check.ExitCode == 0, check.ToString());

        var restore = await RestoreAsync(db, archive, "--verify");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        await DatabaseComparer.AssertEqualAsync(clusters.Source, db, clusters.Target, db);
    }
}
