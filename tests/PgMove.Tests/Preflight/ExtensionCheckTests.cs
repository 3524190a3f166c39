using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Preflight;

/// <summary>
/// Extension items against real servers. Both test clusters run the same PostgreSQL 15 installation, so they share
/// one extension directory: the test installs a tiny extension there, creates it on the source, then changes or
/// removes its files, which is exactly what pg_available_extensions on the target then reports. Needs a writable
/// share directory (tests run as root here); the files are removed afterwards.
/// </summary>
[Collection("clusters")]
public sealed class ExtensionCheckTests(ClusterPair clusters)
{
    const string Extension = "pgmove_pf_probe";
    const string Db = "pf_ext";

    static string ExtensionDirectory =>
        Path.Combine(PostgresCluster.Run($"{PostgresCluster.BinDirectory}/pg_config", "--sharedir").Trim(), "extension");

    static void Install(string defaultVersion, bool trusted)
    {
        File.WriteAllText(Path.Combine(ExtensionDirectory, Extension + ".control"),
            $"comment = 'pgmove preflight test extension'\ndefault_version = '{defaultVersion}'\nrelocatable = true\n" +
            $"superuser = true\ntrusted = {(trusted ? "true" : "false")}\n");
        File.WriteAllText(Path.Combine(ExtensionDirectory, $"{Extension}--{defaultVersion}.sql"),
            $"CREATE FUNCTION pgmove_pf_probe_version() RETURNS text LANGUAGE sql AS $$ SELECT '{defaultVersion}'::text $$;\n");
    }

    static void Uninstall()
    {
        foreach (var file in Directory.GetFiles(ExtensionDirectory, Extension + "*")) File.Delete(file);
    }

    [Fact]
    public async Task Version_difference_warns_superuser_only_extension_fails_and_missing_extension_fails()
    {
        Assert.True(IsWritable(ExtensionDirectory), $"{ExtensionDirectory} must be writable for this test (run as root)");
        await CheckCommandTests.EnsureLoginRoleAsync(clusters.Target, "pf_ext_creator", "pf-ext-pw", "CREATEDB");
        await clusters.Target.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {Db} WITH (FORCE)");
        try
        {
            Install("1.0", trusted: false);
            await clusters.Source.CreateDatabaseAsync(Db);
            await clusters.Source.ExecuteAsync(Db, $"CREATE TABLE t (id int PRIMARY KEY); CREATE EXTENSION {Extension}");
            var same = await CheckRun.RunAsync("--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(Db));
            same.ExpectExit(0);
            same.Expect("extensions", "ok");
            same.Expect("extension-versions", "ok");

            Uninstall();
            Install("2.0", trusted: false);
            var newer = await CheckRun.RunAsync("--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(Db));
            newer.ExpectExit(0);
            Assert.Contains($"{Extension}: source 1.0, target 2.0", newer.Expect("extension-versions", "warn").Evidence);

            var notSuperuser = await CheckRun.RunAsync("--source", clusters.Source.Uri(Db),
                "--target", clusters.Target.Uri(Db, "pf_ext_creator", "pf-ext-pw"), "--no-owner");
            notSuperuser.ExpectExit(1);
            Assert.Contains(Extension, notSuperuser.Expect("extension-privileges", "fail").Evidence);
            notSuperuser.Expect("target-database", "ok");

            Uninstall();
            Install("2.0", trusted: true);
            var trusted = await CheckRun.RunAsync("--source", clusters.Source.Uri(Db),
                "--target", clusters.Target.Uri(Db, "pf_ext_creator", "pf-ext-pw"), "--no-owner");
            trusted.Expect("extension-privileges", "ok");

            Uninstall();
            var missing = await CheckRun.RunAsync("--source", clusters.Source.Uri(Db), "--target", clusters.Target.Uri(Db));
            missing.ExpectExit(1);
            var (evidence, fix) = missing.Expect("extensions", "fail");
            Assert.Contains($"{Extension} 1.0", evidence);
            Assert.Contains("package", fix);
        }
        finally
        {
            Uninstall();
            await clusters.Source.ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {Db} WITH (FORCE)");
        }
    }

    static bool IsWritable(string directory)
    {
        var probe = Path.Combine(directory, ".pgmove-write-probe");
        try { File.WriteAllText(probe, ""); File.Delete(probe); return true; }
        catch (UnauthorizedAccessException) { return false; }
        catch (IOException) { return false; }
    }
}
