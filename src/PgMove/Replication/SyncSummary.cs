namespace PgMove.Replication;

/// <summary>What a sync applied by the time a cutover stopped it.</summary>
public sealed record SyncSummary(string Source, string Target, long Transactions, long Changes, string StateDirectory);
