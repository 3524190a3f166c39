using NpgsqlTypes;

namespace PgMove.Replication;

// The stream as the applier sees it: values copied out of Npgsql's recycled messages, tables resolved.

/// <summary>A row's values in text form; <see cref="Unchanged"/> marks TOASTed values the source did not send.</summary>
internal sealed record RowImage(string?[] Values, bool[]? Unchanged)
{
    public bool IsUnchanged(int column) => Unchanged is not null && Unchanged[column];
}

internal abstract record Change;

internal sealed record InsertChange(ApplyTable Table, RowImage New) : Change;

/// <summary>An UPDATE; <see cref="Old"/> is the key ('K') or, with REPLICA IDENTITY FULL, the whole old row ('O').</summary>
internal sealed record UpdateChange(ApplyTable Table, RowImage? Old, bool OldIsFull, RowImage New) : Change;

internal sealed record DeleteChange(ApplyTable Table, RowImage Old, bool OldIsFull) : Change;

internal sealed record TruncateChange(IReadOnlyList<ApplyTable> Tables, bool Cascade, bool RestartIdentity) : Change;

/// <summary>The end of one source transaction: everything since the previous commit is one atomic unit.</summary>
internal sealed record CommitChange(NpgsqlLogSequenceNumber EndLsn, DateTime CommitTime) : Change;

/// <summary>The stream cannot be applied further (a table changed shape): stop after the last complete transaction.</summary>
internal sealed record StopChange(string Message) : Change;
