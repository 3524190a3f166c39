namespace PgMove.Replication;

/// <summary>
/// One table's changes of a batch, folded to one net change per key (<see cref="ChangeFolder"/>): applied as the
/// DELETEs (images holding at least the key), then the UPDATEs (final images; TOAST values the source did not send
/// stay marked unchanged), then the INSERTs (whole rows).
/// </summary>
internal sealed record FoldedChanges(IReadOnlyList<RowImage> Deletes, IReadOnlyList<RowImage> Updates, IReadOnlyList<RowImage> Inserts);
