using PgMove.Connections;
using PgMove.Replication;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Replication;

/// <summary>Schemas, writers and checks shared by the online-migration tests.</summary>
internal static class SyncFixtures
{
    /// <summary>The cases that break change appliers: no key, partitions, TOAST, identity, generated, odd names and types.</summary>
    public const string HardSchema = """"
        CREATE TABLE no_pk (a int, b text, j json);
        INSERT INTO no_pk VALUES (1, 'x', '{"a":1}'), (1, 'x', '{"a":1}'), (NULL, NULL, NULL);
        CREATE TABLE measurements (id int, at date NOT NULL, v float8, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE measurements_other PARTITION OF measurements DEFAULT;
        INSERT INTO measurements SELECT g, date '2023-06-01' + g, g / 7.0 FROM generate_series(1, 1000) g;
        CREATE TABLE docs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text, body text, n numeric, ts timestamptz,
                           doubled int GENERATED ALWAYS AS (length(title) * 2) STORED);
        INSERT INTO docs (title, body, n, ts) SELECT 't' || g, repeat(md5(g::text), 5000), g / 3.0, now() FROM generate_series(1, 50) g;
        CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE TABLE "Odd ""Name""" (k text PRIMARY KEY, m mood, arr int[], iv interval, f float8);
        INSERT INTO "Odd ""Name""" VALUES ('a', 'ok', '{1,2}', '1 day', 0.1);
        CREATE TABLE animal (id int PRIMARY KEY, name text);
        CREATE TABLE dog (bark text) INHERITS (animal);
        ALTER TABLE dog ADD PRIMARY KEY (id);
        CREATE TABLE scratch_trunc (id int PRIMARY KEY);
        INSERT INTO scratch_trunc SELECT generate_series(1, 10);
        CREATE SEQUENCE counter;
        """";

    /// <summary>Writes touching every hard case; the TOASTed body is left alone by the UPDATE of docs.</summary>
    public const string HardWrites = """"
        UPDATE no_pk SET b = 'y' WHERE ctid = (SELECT min(ctid) FROM no_pk WHERE a = 1);
        INSERT INTO no_pk VALUES (2, 'z', '[1,2]');
        DELETE FROM no_pk WHERE a IS NULL;
        UPDATE measurements SET at = '2024-03-01' WHERE id = 5;
        UPDATE measurements SET v = -1 WHERE id BETWEEN 100 AND 110;
        DELETE FROM measurements WHERE id = 7;
        INSERT INTO measurements VALUES (5000, '2024-05-05', 1.5);
        UPDATE docs SET title = title || '!', n = n + 1 WHERE id % 3 = 0;
        INSERT INTO docs (title, body, n, ts) VALUES ('new', repeat('q', 100000), 1e20, '2020-01-01 00:00:00+05');
        DELETE FROM docs WHERE id = 2;
        UPDATE "Odd ""Name""" SET k = 'b', m = 'sad', arr = '{3}', iv = '-2 hours', f = 1e-300 WHERE k = 'a';
        INSERT INTO dog VALUES (2, 'rex', 'woof');
        INSERT INTO animal VALUES (1, 'generic');
        UPDATE dog SET bark = 'WOOF';
        TRUNCATE scratch_trunc;
        INSERT INTO scratch_trunc VALUES (42);
        SELECT nextval('counter'), nextval('counter');
        """";

    public static void PgBench(PostgresCluster cluster, string db, params string[] args) =>
        PostgresCluster.Run($"{PostgresCluster.BinDirectory}/pgbench", ["-h", "127.0.0.1", "-p", cluster.Port.ToString(), "-U", "postgres", .. args, db]);

    /// <summary>Nothing of this database's migration is left: no slot or publication on the source, no origin on the target.</summary>
    public static Task AssertNothingLeftAsync(ClusterPair clusters, string db) =>
        AssertNothingLeftAsync(clusters.Source, clusters.Target, db);

    public static async Task AssertNothingLeftAsync(PostgresCluster source, PostgresCluster target, string db)
    {
        Assert.Equal(0L, await source.ScalarAsync<long>(db,
            "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'pgmove\\_%' AND database = current_database()"));
        Assert.Equal(0L, await source.ScalarAsync<long>(db, "SELECT count(*) FROM pg_publication"));
        Assert.Equal(0L, await target.ScalarAsync<long>("postgres",
            $"SELECT count(*) FROM pg_replication_origin WHERE roname = '{await MigrationIdAsync(source, db)}'"));
    }

    /// <summary>The migration's name, as pgmove derives it from the source server itself.</summary>
    public static async Task<string> MigrationIdAsync(PostgresCluster source, string db)
    {
        await using var connection = await source.OpenAsync(db);
        return (await MigrationNames.ResolveAsync(connection, ConnectionSpec.Parse(source.Uri(db)), ConnectionSpec.Parse(source.Uri(db)), default)).Id;
    }

    /// <summary>The cutover's fence holds: superusers only, read-only by default. Lift it so the databases compare equal.</summary>
    public static async Task AssertFencedAndReopenAsync(PostgresCluster source, string db)
    {
        Assert.Equal("on", await source.ScalarAsync<string>(db, "SHOW default_transaction_read_only"));
        Assert.Equal(0, await source.ScalarAsync<int>("postgres", $"SELECT datconnlimit FROM pg_database WHERE datname = '{db}'"));
        await source.ExecuteAsync("postgres", $"ALTER DATABASE {db} RESET default_transaction_read_only; ALTER DATABASE {db} CONNECTION LIMIT -1");
    }

    public static string[] Args(string command, ClusterPair clusters, string db, string dir, params string[] more) =>
        Args(command, clusters.Source, clusters.Target, db, dir, more);

    public static string[] Args(string command, PostgresCluster source, PostgresCluster target, string db, string dir, params string[] more) =>
        [command, "--source", source.Uri(db), "--target", target.Uri(db), "--dir", dir, .. more];
}
