namespace PgMove.Tests.Infrastructure;

/// <summary>The rule of <see cref="DatasetTheoryAttribute"/>: skip only without the folder and outside CI.</summary>
public sealed class DatasetsTests
{
    [Fact]
    public void A_missing_folder_skips_outside_ci_and_fails_under_ci()
    {
        Assert.Contains("shared datasets folder is missing", Datasets.SkipReason(null, null));
        Assert.Null(Datasets.SkipReason(null, "true"));          // runs, and LoadScript fails it
        Assert.Null(Datasets.SkipReason("/some/where", null));
        Assert.Null(Datasets.SkipReason("/some/where", "true"));
    }
}
