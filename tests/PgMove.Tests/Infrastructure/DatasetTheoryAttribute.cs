namespace PgMove.Tests.Infrastructure;

/// <summary>A theory that loads a shared dataset: skipped with the reason when the folder is missing, unless CI=true.</summary>
public sealed class DatasetTheoryAttribute : TheoryAttribute
{
    public DatasetTheoryAttribute()
    {
        if (Datasets.SkipReason(Datasets.Directory, Environment.GetEnvironmentVariable("CI")) is { } reason) Skip = reason;
    }
}
