namespace PgMove.Tests.Infrastructure;

/// <summary>
/// Where the test servers of majors other than Debian's 15 are: the cache scripts/pg-versions.sh fills (run by
/// scripts/setup.sh, so by test.sh). Same rule as the script: $PGMOVE_PG_CACHE, else /var/cache/pgmove/postgres as
/// root, else ~/.cache/pgmove/postgres.
/// </summary>
public static class ServerVersions
{
    /// <summary>The majors the matrix runs, 15 being Debian's.</summary>
    public static readonly int[] Majors = [12, 13, 14, 15, 16, 17, 18];

    public static string Cache =>
        Environment.GetEnvironmentVariable("PGMOVE_PG_CACHE") is { Length: > 0 } configured ? configured
        : Environment.UserName == "root" ? "/var/cache/pgmove/postgres"
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "pgmove", "postgres");

    public static string BinDirectory(int major)
    {
        var bin = Path.Combine(Cache, major.ToString(), "bin");
        if (!File.Exists(Path.Combine(Cache, major.ToString(), ".installed")) || !File.Exists(Path.Combine(bin, "postgres")))
            throw new InvalidOperationException($"PostgreSQL {major} is not in {Cache}: run scripts/setup.sh (or scripts/pg-versions.sh)");
        return bin;
    }
}
