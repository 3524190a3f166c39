namespace PgMove.Replication;

/// <summary>The outcome of a cutover: how long the source refused writes, and what the sync's finish did.</summary>
public sealed record CutoverSummary(string Source, string Target, bool DryRun, TimeSpan WriteFreeze, long LagBytesAtFence,
    int Sequences, int TablesVerified, IReadOnlyList<string> Steps);
