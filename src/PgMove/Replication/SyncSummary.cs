namespace PgMove.Replication;

/// <summary>What a sync did by the time a cutover finished it.</summary>
public sealed record SyncSummary(string Source, string Target, long Transactions, long Changes, int Sequences,
    int TablesVerified, string StateDirectory);
