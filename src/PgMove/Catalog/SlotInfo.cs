using NpgsqlTypes;

namespace PgMove.Catalog;

/// <summary>A logical replication slot as the source sees it.</summary>
/// <param name="ActivePid">The walsender streaming from it, if any.</param>
/// <param name="LagBytes">WAL between the source's current position and what the slot's consumer confirmed.</param>
/// <param name="RetainedBytes">WAL the slot keeps on the source's disk.</param>
/// <param name="ConfirmedFlush">The position the slot's consumer confirmed, null before it confirmed any.</param>
/// <param name="CurrentWal">The source's current WAL write position.</param>
/// <param name="Database">The database the slot decodes.</param>
public sealed record SlotInfo(int? ActivePid, NpgsqlLogSequenceNumber? ConfirmedFlush, NpgsqlLogSequenceNumber CurrentWal,
    long? LagBytes, long RetainedBytes, string Database);
