using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Archive;

/// <summary>restore's options that copy has: --roles (from the archive's record of them), --tune-target, --timeline.</summary>
[Collection("clusters")]
public sealed class ArchiveRestoreOptionsTests(ClusterPair clusters)
{
    [Fact]
    public async Task Roles_recorded_by_the_dump_are_created_before_the_restore_and_own_their_objects()
    {
        const string db = "arc_roles";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        foreach (var cluster in new[] { clusters.Source, clusters.Target })
            await cluster.ExecuteAsync("postgres", """
                DROP ROLE IF EXISTS arc_reader; DROP ROLE IF EXISTS arc_owner;
                """);
        await clusters.Source.ExecuteAsync("postgres", $"""
            CREATE ROLE arc_owner NOLOGIN CREATEDB; CREATE ROLE arc_reader LOGIN CONNECTION LIMIT 3;
            ALTER ROLE arc_reader IN DATABASE {db} SET work_mem = '7MB';
            """);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE owned (id int PRIMARY KEY, v text);
            INSERT INTO owned SELECT g, 'v' || g FROM generate_series(1, 100) g;
            ALTER TABLE owned OWNER TO arc_owner;
            GRANT SELECT ON owned TO arc_reader;
            """);
        var archive = ArchiveFixture.NewDirectory();
        var dump = await PgMoveProcess.RunAsync("dump", "--source", clusters.Source.Uri(db), "--archive", archive);
        Assert.True(dump.ExitCode == 0, dump.ToString());
        var timeline = Path.Combine(Directory.CreateDirectory(PgMoveProcess.StateDir()).FullName, "timeline.json");

        var restore = await PgMoveProcess.RunAsync("restore", "--archive", archive, "--target", clusters.Target.Uri(db), "--roles",
            "--tune-target", "--timeline", timeline, "--dir", PgMoveProcess.StateDir());
        Assert.True(restore.ExitCode == 0, restore.ToString());

        Assert.Contains("created 2 role(s) on the target", restore.Output);
        Assert.Equal("arc_owner", await clusters.Target.ScalarAsync<string>(db, "SELECT tableowner::text FROM pg_tables WHERE tablename = 'owned'"));
        Assert.True(await clusters.Target.ScalarAsync<bool>(db, "SELECT has_table_privilege('arc_reader', 'owned', 'SELECT')"));
        Assert.Equal(3, await clusters.Target.ScalarAsync<int>("postgres", "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'arc_reader'"));
        Assert.True(await clusters.Target.ScalarAsync<bool>("postgres",
            $"SELECT 'work_mem=7MB' = ANY (setconfig) FROM pg_db_role_setting WHERE setrole = 'arc_reader'::regrole AND setdatabase = (SELECT oid FROM pg_database WHERE datname = '{db}')"));
        Assert.True(await clusters.Target.ScalarAsync<bool>("postgres", "SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'arc_reader'"));
        Assert.True(File.Exists(timeline), restore.ToString());
        Assert.True(File.Exists(Path.ChangeExtension(timeline, ".svg")), restore.ToString());
        // --tune-target put the target's settings back.
        Assert.Equal(0L, await clusters.Target.ScalarAsync<long>("postgres",
            "SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf' AND name IN ('max_wal_size', 'checkpoint_timeout')"));
    }
}
