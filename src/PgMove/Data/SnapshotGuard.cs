using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Data;

/// <summary>
/// Protects what a data session reads when the snapshot holder could not lock every table (see LockBudget): the
/// session locks its tables in ACCESS SHARE mode, as pg_dump does, and then makes sure nothing rewrote them between
/// the snapshot and the lock. TRUNCATE, VACUUM FULL, CLUSTER and rewriting ALTER TABLEs are not MVCC-safe: a session
/// importing an older snapshot would read the new file (empty, or holding newer rows) without any error.
/// </summary>
internal static class SnapshotGuard
{
    /// <summary>Locks the tables and fails, naming them, when one was rewritten or dropped since the snapshot.</summary>
    /// <param name="source">A source session inside the snapshot, in its transaction.</param>
    /// <param name="tables">The tables the session is about to read.</param>
    /// <param name="ct">Cancels the statements.</param>
    public static async Task LockAsync(NpgsqlConnection source, IReadOnlyList<TableInfo> tables, CancellationToken ct)
    {
        if (tables.Count == 0) return;
        try
        {
            await PgSession.ExecuteAsync(source,
                $"LOCK TABLE {string.Join(", ", tables.Select(t => "ONLY " + t.QualifiedName))} IN ACCESS SHARE MODE", ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new PgMoveException(ExitCode.StepFailed,
                $"a table was dropped or renamed on the source after the copy's snapshot was taken ({e.MessageText}); " +
                "its rows can no longer be read: run the copy again");
        }
        var changed = await FileNodeCatalog.ReadChangedAsync(source, tables.Select(t => t.Oid).ToList(), ct);
        if (changed.Count == 0) return;
        var names = tables.Where(t => changed.Contains(t.Oid)).Select(t => t.DisplayName);
        throw new PgMoveException(ExitCode.StepFailed,
            $"table {string.Join(", ", names)} was rewritten or dropped on the source after the copy's snapshot was taken " +
            "(TRUNCATE, VACUUM FULL, CLUSTER or an ALTER TABLE that rewrites it): its rows as of the snapshot are gone, " +
            "and copying them would copy wrong data; run the copy again");
    }
}
