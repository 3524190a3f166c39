namespace PgMove.Preflight;

/// <summary>How one preflight item came out.</summary>
public enum Verdict
{
    /// <summary>Nothing to do.</summary>
    Ok,
    /// <summary>The run can go ahead, but the user should know (and may want to act).</summary>
    Warn,
    /// <summary>The run would fail, or would lose data, until the fix is applied.</summary>
    Fail,
}
