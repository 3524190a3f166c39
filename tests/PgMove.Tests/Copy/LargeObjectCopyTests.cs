using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Copy;

/// <summary>Many large objects, copied in parallel batches.</summary>
[Collection("clusters")]
public sealed class LargeObjectCopyTests(ClusterPair clusters)
{
    /// <summary>Every object's OID, owner, privileges, comment and md5, in OID order, hashed.</summary>
    const string Fingerprint = """
        SELECT count(*) || ' objects, ' || md5(string_agg(m.oid || ':' || pg_get_userbyid(m.lomowner) || ':' || coalesce(m.lomacl::text, '-')
                                                  || ':' || coalesce(obj_description(m.oid, 'pg_largeobject'), '-')
                                                  || ':' || md5(lo_get(m.oid)), ',' ORDER BY m.oid))
        FROM pg_largeobject_metadata m
        """;

    [Fact]
    public async Task Hundred_thousand_large_objects_copy_identically()
    {
        const string db = "many_large_objects";
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.CreateDatabaseAsync(db);
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        await clusters.Source.ExecuteAsync("postgres", "DO $$ BEGIN CREATE ROLE lo_owner; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        await clusters.Target.ExecuteAsync("postgres", "DO $$ BEGIN CREATE ROLE lo_owner; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        for (var from = 1; from <= 100_000; from += 25_000)
            await clusters.Source.ExecuteAsync(db,
                $"SELECT lo_from_bytea(0, convert_to(g::text || repeat('x', g % 300), 'UTF8')) FROM generate_series({from}, {from + 24_999}) g");
        await clusters.Source.ExecuteAsync(db, """
            SELECT lo_from_bytea(0, ''::bytea);
            SELECT lo_from_bytea(0, convert_to(repeat('y', 65536), 'UTF8'));
            SELECT lo_from_bytea(0, convert_to(repeat(md5('z'), 70000), 'UTF8'));
            SELECT lo_from_bytea(4000000000, '\x00ff'::bytea);
            ALTER LARGE OBJECT 4000000000 OWNER TO lo_owner;
            GRANT SELECT ON LARGE OBJECT 4000000000 TO PUBLIC;
            COMMENT ON LARGE OBJECT 4000000000 IS 'the last one';
            SELECT lo_from_bytea(4000000001, 'owned'::bytea);
            ALTER LARGE OBJECT 4000000001 OWNER TO lo_owner;
            """);

        var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(db), "--target", clusters.Target.Uri(db),
            "--jobs", "4", "--dir", PgMoveProcess.StateDir());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("copy large objects part 4/4", result.Output);
        var expected = await clusters.Source.ScalarAsync<string>(db, Fingerprint);
        Assert.StartsWith("100005 objects", expected);
        Assert.Equal(expected, await clusters.Target.ScalarAsync<string>(db, Fingerprint));
        Assert.Equal("the last one", await clusters.Target.ScalarAsync<string>(db, "SELECT obj_description(4000000000, 'pg_largeobject')"));
        await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE {db}");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE {db}");
        await clusters.Source.ExecuteAsync("postgres", "DROP ROLE lo_owner");
        await clusters.Target.ExecuteAsync("postgres", "DROP ROLE lo_owner");
    }
}
