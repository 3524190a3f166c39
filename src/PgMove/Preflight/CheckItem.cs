namespace PgMove.Preflight;

/// <summary>One line of a preflight report.</summary>
/// <param name="Name">A stable short name (e.g. <c>wal-level</c>), the same in every run and in the JSON report.</param>
/// <param name="Verdict">ok, warn or fail.</param>
/// <param name="Evidence">What was found, with the values read from the servers.</param>
/// <param name="Fix">What to do about it; null when there is nothing to do.</param>
public sealed record CheckItem(string Name, Verdict Verdict, string Evidence, string? Fix = null)
{
    public static CheckItem Ok(string name, string evidence) => new(name, Verdict.Ok, evidence);
    public static CheckItem Warn(string name, string evidence, string fix) => new(name, Verdict.Warn, evidence, fix);
    public static CheckItem Fail(string name, string evidence, string fix) => new(name, Verdict.Fail, evidence, fix);
}
