namespace PgMove.Tests.Cli;

/// <summary>Files of the checkout the tests run from (README, scripts), found by walking up from the test binaries.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PgMove.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no PgMove.sln above {AppContext.BaseDirectory}");
    }
}
