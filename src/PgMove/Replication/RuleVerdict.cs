namespace PgMove.Replication;

/// <summary>A rule's answer: yes or no, what it is based on, and (for a no) what to do.</summary>
/// <param name="Ok">The rule is met.</param>
/// <param name="Evidence">What the answer is based on, as read from the server.</param>
/// <param name="Fix">What makes a "no" a "yes"; null for a yes.</param>
public sealed record RuleVerdict(bool Ok, string Evidence, string? Fix)
{
    public static RuleVerdict Yes(string evidence) => new(true, evidence, null);
    public static RuleVerdict No(string evidence, string fix) => new(false, evidence, fix);
}
