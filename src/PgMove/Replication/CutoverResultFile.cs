namespace PgMove.Replication;

/// <summary>cutover.json in the migration's state directory: the last cutover's outcome, for <c>pgmove status</c>.</summary>
public sealed class CutoverResultFile(string directory)
{
    readonly JsonStateFile<CutoverResult> _file = new(System.IO.Path.Combine(directory, "cutover.json"));

    public string Path => _file.Path;

    public void Write(CutoverSummary summary) => _file.Write(new CutoverResult(DateTimeOffset.UtcNow, summary.WriteFreeze.TotalSeconds,
        summary.VerifyLevel.ToString().ToLowerInvariant(), summary.Verification?.Equal, summary.Verification?.SchemaDifferences.Count,
        summary.Verification?.DifferentTables, summary.LiftFenceSql, summary.Fence));

    /// <summary>The last result written here, or null.</summary>
    public CutoverResult? Read() => _file.Read();
}
