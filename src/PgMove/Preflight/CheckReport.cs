namespace PgMove.Preflight;

/// <summary>The outcome of <c>pgmove check</c>: one item per thing checked, in a fixed order.</summary>
public sealed record CheckReport(string Source, string Target, bool Online, IReadOnlyList<CheckItem> Items)
{
    public int Failures => Items.Count(i => i.Verdict == Verdict.Fail);
    public int Warnings => Items.Count(i => i.Verdict == Verdict.Warn);

    /// <summary>True when no item failed (warnings allowed).</summary>
    public bool Passed => Failures == 0;
}
