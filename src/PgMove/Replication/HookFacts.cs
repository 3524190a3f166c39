namespace PgMove.Replication;

/// <summary>The PGMOVE_* environment variables a cutover hook gets: the migration's facts, never a password.</summary>
internal sealed class HookFacts : Dictionary<string, string>
{
    public HookFacts(IDictionary<string, string> facts) : base(facts, StringComparer.Ordinal) { }

    /// <summary>A copy with one more fact.</summary>
    public HookFacts With(string key, string value) => new(this) { [key] = value };
}
