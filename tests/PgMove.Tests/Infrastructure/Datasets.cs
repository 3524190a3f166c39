namespace PgMove.Tests.Infrastructure;

/// <summary>
/// The third-party sample databases (pagila, chinook, northwind...) in the shared datasets folder, outside this
/// repository. Tests that load them use <see cref="DatasetTheoryAttribute"/>: without the folder they are skipped,
/// saying why, and every other test runs; under CI=true they run and fail, so CI never passes by skipping them.
/// </summary>
public static class Datasets
{
    /// <summary>The folder holding load.sh, or null when none of the places looked at has it.</summary>
    public static readonly string? Directory = Find();

    /// <summary>Where the folder was looked for, for the messages.</summary>
    public const string Where = "$PGMOVE_DATASETS when set, else shared/datasets beside a parent of the checkout, else /work/shared/datasets";

    /// <summary>The dataset loader; a missing folder fails the test that needs it (what CI=true gets).</summary>
    public static string LoadScript => Directory is { } d ? Path.Combine(d, "load.sh")
        : throw new InvalidOperationException($"the shared datasets folder is missing (looked in {Where}); CI=true: a missing dataset is a failure");

    /// <summary>Why a dataset test is skipped, or null when it runs (the folder exists, or CI is true).</summary>
    public static string? SkipReason(string? directory, string? ci) =>
        directory is null && ci != "true" ? $"dataset test skipped: the shared datasets folder is missing ({Where})" : null;

    static string? Find()
    {
        if (Environment.GetEnvironmentVariable("PGMOVE_DATASETS") is { Length: > 0 } fromEnvironment)
            return File.Exists(Path.Combine(fromEnvironment, "load.sh")) ? Path.GetFullPath(fromEnvironment) : null;
        var candidates = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "shared", "datasets"));
            candidates.Add(Path.Combine(dir.FullName, "..", "shared", "datasets"));
        }
        candidates.Add("/work/shared/datasets");
        return candidates.Select(Path.GetFullPath).FirstOrDefault(c => File.Exists(Path.Combine(c, "load.sh")));
    }
}
