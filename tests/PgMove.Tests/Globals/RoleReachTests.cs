using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Globals;

/// <summary>
/// Issue 15: roles that reach a database without owning or being granted anything in it (a login in the group
/// holding the grants, a role with settings for the database) come with <c>--roles</c>; <c>roles --all</c> moves every role.
/// </summary>
[Collection("clusters")]
public sealed class RoleReachTests(ClusterPair clusters)
{
    const string Src = "reach_src", Dst = "reach_dst";
    static readonly string[] Roles = ["reach_owner", "reach_rw", "reach_mid", "reach_app", "reach_tuned", "reach_existing", "reach_idle"];

    [Fact]
    public async Task Copy_with_roles_brings_group_members_and_roles_with_settings_for_the_database()
    {
        await RoleFixtures.DropAsync(clusters.Source, [Src], Roles);
        await RoleFixtures.DropAsync(clusters.Target, [Dst], Roles);
        try
        {
            await clusters.Source.ExecuteAsync("postgres", $"""
                CREATE ROLE reach_owner NOLOGIN; CREATE ROLE reach_rw NOLOGIN; CREATE ROLE reach_mid NOLOGIN IN ROLE reach_rw;
                CREATE ROLE reach_app LOGIN IN ROLE reach_mid; CREATE ROLE reach_tuned LOGIN; CREATE ROLE reach_existing LOGIN;
                CREATE ROLE reach_idle LOGIN;
                """);
            await clusters.Source.ExecuteAsync("postgres", $"CREATE DATABASE {Src} OWNER reach_owner");
            await clusters.Source.ExecuteAsync("postgres", $"""
                ALTER ROLE reach_app IN DATABASE {Src} SET work_mem = '7MB';
                ALTER ROLE reach_tuned IN DATABASE {Src} SET statement_timeout = '3s';
                ALTER ROLE reach_existing IN DATABASE {Src} SET lock_timeout = '2s';
                ALTER DATABASE {Src} SET random_page_cost = 1.5;
                """);
            await clusters.Source.ExecuteAsync(Src, "CREATE TABLE t (id int); ALTER TABLE t OWNER TO reach_owner; GRANT SELECT ON t TO reach_rw");
            await clusters.Target.ExecuteAsync("postgres", "CREATE ROLE reach_existing LOGIN");

            var result = await PgMoveProcess.RunAsync("copy", "--source", clusters.Source.Uri(Src), "--target", clusters.Target.Uri(Dst),
                "--roles", "--dir", PgMoveProcess.StateDir());
            Assert.True(result.ExitCode == 0, result.ToString());

            var t = clusters.Target;
            Assert.Equal("reach_app,reach_existing,reach_mid,reach_owner,reach_rw,reach_tuned", await t.ScalarAsync<string>("postgres",
                "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'reach\\_%'"));
            Assert.True(await RoleFixtures.IsMemberAsync(t, "reach_app", "reach_mid"));
            Assert.True(await RoleFixtures.IsMemberAsync(t, "reach_mid", "reach_rw"));
            Assert.Equal("reach_app:work_mem=7MB|reach_existing:lock_timeout=2s|reach_tuned:statement_timeout=3s|-:random_page_cost=1.5",
                await t.ScalarAsync<string>("postgres", $"""
                    SELECT string_agg(coalesce(r.rolname, '-') || ':' || array_to_string(s.setconfig, ','), '|' ORDER BY r.rolname NULLS LAST)
                    FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase LEFT JOIN pg_roles r ON r.oid = s.setrole
                    WHERE d.datname = '{Dst}'
                    """));
            Assert.Contains("reach_app", result.Stdout);
            await DatabaseComparer.AssertEqualAsync(clusters.Source, Src, t, Dst);
        }
        finally
        {
            await RoleFixtures.DropAsync(clusters.Target, [Dst], Roles);
            await RoleFixtures.DropAsync(clusters.Source, [Src], Roles);
        }
    }

    [Fact]
    public async Task Roles_all_moves_every_role_with_memberships_and_settings()
    {
        await RoleFixtures.DropAsync(clusters.Source, ["reach_other"], Roles);
        await RoleFixtures.DropAsync(clusters.Target, ["reach_other"], Roles);
        try
        {
            await clusters.Source.ExecuteAsync("postgres", """
                CREATE ROLE reach_rw NOLOGIN; CREATE ROLE reach_idle LOGIN CONNECTION LIMIT 2 IN ROLE reach_rw;
                ALTER ROLE reach_idle SET search_path = a, b;
                """);
            await clusters.Source.ExecuteAsync("postgres", "CREATE DATABASE reach_other");
            await clusters.Target.ExecuteAsync("postgres", "CREATE DATABASE reach_other");
            await clusters.Source.ExecuteAsync("postgres", "ALTER ROLE reach_idle IN DATABASE reach_other SET work_mem = '5MB'");
            var dependent = await PgMoveProcess.RunAsync("roles", "--source", clusters.Source.Uri("postgres"), "--target", clusters.Target.Uri("postgres"), "--dry-run");
            Assert.True(dependent.ExitCode == 0, dependent.ToString());
            Assert.DoesNotContain("reach_idle", dependent.Stdout); // owns nothing, is granted nothing in postgres

            var result = await PgMoveProcess.RunAsync("roles", "--all", "--source", clusters.Source.Uri("postgres"), "--target", clusters.Target.Uri("postgres"));
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("true 2 search_path=a, b", await clusters.Target.ScalarAsync<string>("postgres", """
                SELECT r.rolcanlogin || ' ' || r.rolconnlimit || ' ' || array_to_string(s.setconfig, ',')
                FROM pg_roles r JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0 WHERE r.rolname = 'reach_idle'
                """));
            Assert.True(await RoleFixtures.IsMemberAsync(clusters.Target, "reach_idle", "reach_rw"));
            // Its settings for another database go to the target's database of that name.
            Assert.Equal("work_mem=5MB", await clusters.Target.ScalarAsync<string>("postgres", """
                SELECT array_to_string(s.setconfig, ',') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
                WHERE s.setrole = 'reach_idle'::regrole AND d.datname = 'reach_other'
                """));
        }
        finally
        {
            await RoleFixtures.DropAsync(clusters.Target, ["reach_other"], Roles);
            await RoleFixtures.DropAsync(clusters.Source, ["reach_other"], Roles);
        }
    }
}
