using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Preflight;

/// <summary>
/// <c>pgmove check</c> end to end on the shared cluster pair: a clean pair passes, each situation that would make a
/// copy fail is reported as a failing item (exit 1), warnings leave exit 0, and nothing changes on either side.
/// </summary>
[Collection("clusters")]
public sealed class CheckCommandTests(ClusterPair clusters)
{
    static readonly string[] OfflineItems =
    [
        "versions", "target-is-source", "pg_dump", "encoding", "locale", "target-database", "target-empty", "source-select",
        "roles", "ownership", "extensions", "extension-versions", "extension-privileges", "connections-source",
        "connections-target", "locks-source", "primary-keys", "text-primary-keys", "unlogged-tables", "foreign-tables", "large-objects",
        "tablespaces", "event-triggers", "size",
    ];

    internal static Task EnsureLoginRoleAsync(PostgresCluster cluster, string role, string password, string attributes = "") =>
        cluster.ExecuteAsync("postgres",
            $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN PASSWORD '{password}' {attributes}; END IF; END $$");

    async Task DropTargetAsync(string name) =>
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    async Task<string> StateAsync(PostgresCluster cluster, string db) =>
        DatabaseComparer.SchemaDump(cluster, db) + string.Join(";", (await DatabaseComparer.ContentAsync(cluster, db)).Values) +
        await cluster.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_replication_slots") +
        await cluster.ScalarAsync<long>(db, "SELECT count(*) FROM pg_publication");

    [Fact]
    public async Task Clean_pair_passes_every_item_and_changes_nothing()
    {
        const string db = "pf_clean";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO item SELECT g, 'n' || g FROM generate_series(1, 1000) g;
            CREATE SEQUENCE counter; SELECT nextval('counter');
            """);
        await DropTargetAsync("pf_clean_target");
        var before = await StateAsync(clusters.Source, db);

        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri("pf_clean_target"));
        run.ExpectExit(0);
        foreach (var name in OfflineItems) run.Expect(name, "ok");
        Assert.DoesNotContain("wal-level", run.Items.Keys);
        Assert.Contains("estimate", run.Expect("size", "ok").Evidence);
        Assert.Contains("opens up to 9 sessions", run.Expect("connections-source", "ok").Evidence);
        Assert.Contains("opens up to 14 sessions", run.Expect("connections-target", "ok").Evidence);

        var human = await PgMoveProcess.RunAsync("check", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri("pf_clean_target"));
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains("ready to copy", human.Stdout);
        Assert.Contains("connections-target", human.Stdout);

        Assert.False(await clusters.Target.DatabaseExistsAsync("pf_clean_target"));
        Assert.Equal(before, await StateAsync(clusters.Source, db));
    }

    [Fact]
    public async Task Non_empty_target_fails_and_is_a_warning_with_clean()
    {
        const string db = "pf_nonempty";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY)");
        await clusters.Target.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync(db, "CREATE TABLE leftover (id int); INSERT INTO leftover VALUES (7)");

        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
        run.ExpectExit(1);
        var (evidence, fix) = run.Expect("target-empty", "fail");
        Assert.Contains("leftover", evidence);
        Assert.Contains("--clean", fix);

        // leftover is the target's own: --clean would drop it and the copy would not bring it back, so it still fails.
        var clean = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--clean");
        clean.ExpectExit(1);
        Assert.Contains("table public.leftover", clean.Expect("target-empty", "fail").Evidence);

        await clusters.Target.ExecuteAsync(db, "DROP TABLE leftover; CREATE TABLE t (id int)");
        var replaced = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--clean");
        replaced.ExpectExit(0);
        Assert.Contains("table public.t", replaced.Expect("target-empty", "warn").Fix!);
    }

    [Fact]
    public async Task Target_equal_to_source_fails()
    {
        const string db = "pf_same";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY)");
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Source.Uri(db));
        run.ExpectExit(1);
        run.Expect("target-is-source", "fail");
        // One server holds both ends: its max_connections must hold both sets of sessions.
        Assert.Contains("9 source + 14 target sessions", run.Expect("connections-source", "ok").Evidence);
    }

    [Fact]
    public async Task Source_user_without_select_on_a_table_fails()
    {
        const string db = "pf_noselect";
        await EnsureLoginRoleAsync(clusters.Source, "pf_reader", "pf-reader-pw");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE open_table (id int PRIMARY KEY); CREATE TABLE secret_table (id int PRIMARY KEY);
            CREATE SEQUENCE open_seq;
            GRANT SELECT ON open_table, open_seq TO pf_reader;
            """);
        await DropTargetAsync(db);
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db, "pf_reader", "pf-reader-pw"), "--target", clusters.Target.Uri(db));
        run.ExpectExit(1);
        var (evidence, fix) = run.Expect("source-select", "fail");
        Assert.Contains("secret_table", evidence);
        Assert.DoesNotContain("open_table", evidence);
        Assert.DoesNotContain("open_seq", evidence);
        Assert.Contains("GRANT", fix);
        Assert.DoesNotContain("pf-reader-pw", run.Process.Output);
    }

    [Fact]
    public async Task A_table_the_filters_leave_out_needs_no_select_for_check_nor_copy()
    {
        const string db = "pf_filtered";
        await EnsureLoginRoleAsync(clusters.Source, "pf_reader", "pf-reader-pw");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE open_table (id int PRIMARY KEY); INSERT INTO open_table VALUES (1), (2);
            CREATE TABLE secret_table (id int); CREATE SEQUENCE open_seq;
            GRANT SELECT ON open_table, open_seq TO pf_reader;
            """);
        await DropTargetAsync(db);
        var source = clusters.Source.Uri(db, "pf_reader", "pf-reader-pw");
        var run = await CheckRun.RunAsync("--source", source, "--target", clusters.Target.Uri(db), "--exclude-table", "secret_table");
        Assert.Contains("every selected table and sequence", run.Expect("source-select", "ok").Evidence);
        // The other items look only at the selection too: secret_table, keyless, is not reported.
        Assert.DoesNotContain("secret_table", run.Expect("primary-keys", "ok").Evidence);

        var refused = await PgMoveProcess.RunAsync("copy", "--source", source, "--target", clusters.Target.Uri(db), "--dir", PgMoveProcess.StateDir());
        Assert.True(refused.ExitCode == 5, refused.ToString());
        Assert.Contains("secret_table", refused.Stderr);
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
        var copy = await PgMoveProcess.RunAsync("copy", "--source", source, "--target", clusters.Target.Uri(db), "--exclude-table", "secret_table",
            "--no-owner", "--no-acl", "--dir", PgMoveProcess.StateDir());
        Assert.True(copy.ExitCode == 0, copy.ToString());
        Assert.Equal(2L, await clusters.Target.ScalarAsync<long>(db, "SELECT count(*) FROM open_table"));
        Assert.False(await clusters.Target.ScalarAsync<bool>(db, "SELECT to_regclass('secret_table') IS NOT NULL"));
    }

    [Fact]
    public async Task Target_user_without_createdb_and_missing_database_fails()
    {
        const string db = "pf_nocreatedb";
        await EnsureLoginRoleAsync(clusters.Target, "pf_plain", "pf-plain-pw");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY)");
        await DropTargetAsync(db);
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db, "pf_plain", "pf-plain-pw"));
        run.ExpectExit(1);
        var (evidence, fix) = run.Expect("target-database", "fail");
        Assert.Contains("no CREATEDB", evidence);
        Assert.Contains("CREATEDB", fix);
        // The objects belong to postgres, whom pf_plain is not a member of: pg_restore's OWNER TO would fail too.
        Assert.Contains("postgres", run.Expect("ownership", "fail").Evidence);
        run.Expect("ownership", "fail");
        Assert.False(await clusters.Target.DatabaseExistsAsync(db));
    }

    [Fact]
    public async Task Tables_without_keys_text_keys_unlogged_foreign_tables_and_large_objects_are_warnings()
    {
        const string db = "pf_shapes";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE keyed (id int PRIMARY KEY);
            CREATE TABLE unique_keyed (code int NOT NULL UNIQUE);
            CREATE TABLE keyless (a int, b text);
            CREATE TABLE nullable_unique (a int UNIQUE);
            CREATE TABLE text_keyed (code varchar(20) PRIMARY KEY, v int);
            CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY);
            CREATE FOREIGN DATA WRAPPER pf_dummy_fdw;
            CREATE SERVER pf_remote FOREIGN DATA WRAPPER pf_dummy_fdw;
            CREATE FOREIGN TABLE remote_rows (id int) SERVER pf_remote;
            SELECT lo_from_bytea(0, 'blob');
            """);
        await DropTargetAsync(db);
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
        run.ExpectExit(0);
        var keys = run.Expect("primary-keys", "warn").Evidence;
        Assert.Contains("keyless", keys);
        Assert.Contains("nullable_unique", keys);
        Assert.DoesNotContain("unique_keyed", keys);
        Assert.Contains("text_keyed(code)", run.Expect("text-primary-keys", "warn").Evidence);
        Assert.Contains("scratch", run.Expect("unlogged-tables", "warn").Evidence);
        Assert.Contains("remote_rows", run.Expect("foreign-tables", "warn").Evidence);
        Assert.Contains("1 large object", run.Expect("large-objects", "ok").Evidence);
        // --table leaves large objects out, as copy does (Selection.LargeObjects): not counted as moved.
        var filtered = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--table", "keyless");
        Assert.Contains("left out by the --schema/--table filters", filtered.Expect("large-objects", "ok").Evidence);
    }

    [Fact]
    public async Task Online_check_fails_on_tables_without_replica_identity_and_warns_on_inactive_slots()
    {
        const string db = "pf_online";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE keyed (id int PRIMARY KEY, v text);
            CREATE TABLE keyless (a int, b text);
            CREATE TABLE nothing_logged (id int PRIMARY KEY);
            ALTER TABLE nothing_logged REPLICA IDENTITY NOTHING;
            CREATE TABLE full_logged (a int);
            ALTER TABLE full_logged REPLICA IDENTITY FULL;
            """);
        await DropTargetAsync(db);
        await clusters.Source.ExecuteAsync(db, "SELECT pg_create_logical_replication_slot('pf_forgotten_slot', 'test_decoding')");
        try
        {
            var offline = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
            offline.ExpectExit(0);
            Assert.DoesNotContain("replica-identity", offline.Items.Keys);

            var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--online");
            run.ExpectExit(1);
            var (evidence, fix) = run.Expect("replica-identity", "fail");
            Assert.Contains("keyless", evidence);
            Assert.Contains("nothing_logged", evidence);
            Assert.DoesNotContain("full_logged", evidence);
            Assert.DoesNotContain("keyed (", evidence);
            Assert.Contains("REPLICA IDENTITY FULL", fix);
            foreach (var name in new[] { "wal-level", "replication-slots", "wal-senders", "wal-sender-timeout", "replication-privilege", "apply-native" })
                run.Expect(name, "ok");
            var slots = run.Expect("inactive-slots", "warn");
            Assert.Contains("pf_forgotten_slot", slots.Evidence);
            Assert.Contains("retains", slots.Evidence);
            Assert.Contains("pg_drop_replication_slot", slots.Fix);

            await clusters.Source.ExecuteAsync(db, "ALTER TABLE keyless REPLICA IDENTITY FULL; ALTER TABLE nothing_logged REPLICA IDENTITY DEFAULT");
            var fixedRun = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--online");
            fixedRun.ExpectExit(0);
            fixedRun.Expect("replica-identity", "ok");
        }
        finally
        {
            await clusters.Source.ExecuteAsync("postgres", "SELECT pg_drop_replication_slot('pf_forgotten_slot')");
        }
    }

    [Fact]
    public async Task Existing_target_with_another_encoding_fails()
    {
        const string db = "pf_encoding";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'żółw')");
        await DropTargetAsync(db);
        await clusters.Target.ExecuteAsync("postgres",
            $"CREATE DATABASE {db} TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'");
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
        run.ExpectExit(1);
        Assert.Contains("LATIN1", run.Expect("encoding", "fail").Evidence);
        Assert.Contains("C.UTF-8", run.Expect("locale", "warn").Evidence);
    }

    [Fact]
    public async Task Roles_missing_on_the_target_fail_unless_no_owner_and_no_acl()
    {
        const string db = "pf_roles";
        await clusters.Source.ExecuteAsync("postgres", """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pf_source_owner') THEN CREATE ROLE pf_source_owner; END IF;
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pf_source_reader') THEN CREATE ROLE pf_source_reader; END IF;
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pf_source_future') THEN CREATE ROLE pf_source_future; END IF;
            END $$
            """);
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE owned (id int PRIMARY KEY);
            ALTER TABLE owned OWNER TO pf_source_owner;
            GRANT SELECT ON owned TO pf_source_reader;
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO pf_source_future;
            """);
        await DropTargetAsync(db);
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
        run.ExpectExit(1);
        var (evidence, fix) = run.Expect("roles", "fail");
        Assert.Contains("pf_source_owner (owner)", evidence);
        Assert.Contains("pf_source_reader (grantee)", evidence);
        Assert.Contains("pf_source_future (grantee)", evidence);
        Assert.Contains("CREATE ROLE \"pf_source_owner\"", fix);

        var without = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--no-owner", "--no-acl");
        without.ExpectExit(0);
        without.Expect("roles", "ok");
    }

    [Fact]
    public async Task Event_triggers_fail_for_a_non_superuser_target_user()
    {
        const string db = "pf_evt";
        await EnsureLoginRoleAsync(clusters.Target, "pf_creator", "pf-creator-pw", "CREATEDB");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, """
            CREATE TABLE t (id int PRIMARY KEY);
            CREATE FUNCTION pf_log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'ddl'; END $$;
            CREATE EVENT TRIGGER pf_ddl_logger ON ddl_command_end EXECUTE FUNCTION pf_log_ddl();
            """);
        await DropTargetAsync(db);
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db, "pf_creator", "pf-creator-pw"),
            "--no-owner");
        run.ExpectExit(1);
        Assert.Contains("pf_ddl_logger", run.Expect("event-triggers", "fail").Evidence);
        run.Expect("target-database", "ok");

        var asSuperuser = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
        asSuperuser.ExpectExit(0);
        asSuperuser.Expect("event-triggers", "warn");
    }

    [Fact]
    public async Task Tablespace_missing_on_the_target_fails()
    {
        const string db = "pf_tblspc";
        var location = Path.Combine(clusters.Source.Directory, "pf_space");
        Directory.CreateDirectory(location);
        if (Environment.UserName == "root") PostgresCluster.Run("chown", "postgres:", location);
        if (!await clusters.Source.ScalarAsync<bool>("postgres", "SELECT EXISTS (SELECT FROM pg_tablespace WHERE spcname = 'pf_space')"))
            await clusters.Source.ExecuteAsync("postgres", $"CREATE TABLESPACE pf_space LOCATION '{location}'");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE placed (id int PRIMARY KEY) TABLESPACE pf_space");
        await DropTargetAsync(db);
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db));
        run.ExpectExit(1);
        var (evidence, fix) = run.Expect("tablespaces", "fail");
        Assert.Contains("pf_space", evidence);
        Assert.Contains("CREATE TABLESPACE", fix);
    }

    [Fact]
    public async Task No_suitable_pg_dump_fails()
    {
        const string db = "pf_tools";
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Source.ExecuteAsync(db, "CREATE TABLE t (id int PRIMARY KEY)");
        var bin = Path.Combine(Path.GetTempPath(), "pgmove-tests", "pf-old-bin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "pg_dump", "pg_restore" })
        {
            var path = Path.Combine(bin, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho '{tool} (PostgreSQL) 11.22'\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var run = await CheckRun.RunAsync("--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db), "--pg-bin", bin);
        run.ExpectExit(1);
        var (evidence, fix) = run.Expect("pg_dump", "fail");
        Assert.Contains("11.22", evidence);
        Assert.Contains("postgresql-client-15", fix);
    }

    [Fact]
    public async Task Unreachable_source_exits_3()
    {
        var result = await PgMoveProcess.RunAsync("check", "--source", "postgres://postgres@127.0.0.1:1/nowhere",
            "--target", clusters.Target.Uri("pf_never"));
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("pgmove: error: source postgres@127.0.0.1:1/nowhere: cannot connect", result.Stderr);
    }

    [Fact]
    public async Task Wrong_target_password_exits_4_without_showing_it()
    {
        await EnsureLoginRoleAsync(clusters.Target, "pf_pw_user", "right-pf-Secret-1");
        await clusters.Source.CreateDatabaseAsync("pf_pw");
        var result = await PgMoveProcess.RunAsync("check", "--source", clusters.Source.Uri("pf_pw"),
            "--target", clusters.Target.Uri("pf_pw", "pf_pw_user", "wr0ng-pf-Secret"));
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("authentication failed", result.Stderr);
        Assert.DoesNotContain("wr0ng-pf-Secret", result.Output);
    }

    [Fact]
    public async Task Missing_target_option_is_a_usage_error()
    {
        var result = await PgMoveProcess.RunAsync("check", "--source", clusters.Source.Uri("postgres"));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--target is required", result.Stderr);
    }
}
