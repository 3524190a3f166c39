using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// What pgmove creates and removes on the source for an online migration: the publication, the slot, and (when
/// asked) REPLICA IDENTITY FULL on tables that have no key. Nothing else on the source is ever changed.
/// </summary>
internal static class SourceSetup
{
    /// <summary>
    /// The tables to publish: every copied table but unlogged ones (their changes are not in the WAL). Tables whose
    /// UPDATE/DELETE could not be published stop the run here, before anything is created, unless
    /// <paramref name="setReplicaIdentityFull"/>.
    /// </summary>
    /// <remarks>
    /// With filters, only the tables whose rows the copy moves are published, a --where table with its condition as the
    /// publication's row filter (PostgreSQL 15+ sources; refused before).
    /// </remarks>
    public static async Task<IReadOnlyList<TableInfo>> PrepareTablesAsync(NpgsqlConnection admin, int versionNum,
        bool setReplicaIdentityFull, IProgressSink sink, CancellationToken ct, Filters.Selection? selection = null)
    {
        var tables = await TableCatalog.ReadAsync(admin, versionNum, ct);
        if (selection is { IsEverything: false })
        {
            tables = tables.Where(t => selection.CopiesRows(t.Oid)).Select(t => t with { Where = selection.WhereOf(t.Oid) }).ToList();
            if (versionNum < 150000 && tables.FirstOrDefault(t => t.Where is not null) is { } filtered)
                throw new PgMoveException(ExitCode.Usage, $"--where {filtered.DisplayName}=…: sync replicates only the selected rows with a " +
                    $"publication row filter, which needs a PostgreSQL 15 or newer source (server_version_num {versionNum}); nothing was changed");
        }
        foreach (var t in tables.Where(t => t.Unlogged))
            sink.Report(new Notice($"unlogged table {t.DisplayName} is copied once; its later changes are not replicated (unlogged tables are not in the WAL)", true));
        var published = tables.Where(t => !t.Unlogged).ToList();
        var lacking = (await ReplicationCatalog.ReadWithoutReplicaIdentityAsync(admin, published.Select(t => t.Oid).ToList(), ct)).ToHashSet();
        var names = published.Where(t => lacking.Contains(t.Oid)).Select(t => t.DisplayName).ToList();
        if (names.Count == 0) return published;
        if (!setReplicaIdentityFull)
            throw new PgMoveException(ExitCode.Usage,
                $"{names.Count} table(s) have no primary key or replica identity, so their UPDATEs and DELETEs cannot be replicated: " +
                $"{string.Join(", ", names.Take(10))}{(names.Count > 10 ? ", …" : "")}; add a primary key, or run with " +
                "--set-replica-identity-full (sets REPLICA IDENTITY FULL on them on the source); nothing was changed");
        foreach (var t in published.Where(t => lacking.Contains(t.Oid)))
        {
            await PgSession.ExecuteAsync(admin, $"ALTER TABLE ONLY {t.QualifiedName} REPLICA IDENTITY FULL", ct);
            sink.Report(new Notice($"source table {t.DisplayName}: set REPLICA IDENTITY FULL (it has no primary key)"));
        }
        return published;
    }

    /// <summary>
    /// Creates the publication for exactly these tables (ONLY: inheritance children are listed on their own). Listing a
    /// table locks it until the statement commits: the tables are added in autocommitted statements of
    /// <see cref="LockBudget.WorkerTables"/>, so that 10,000 tables never need 10,000 locks at once. A failure half-way
    /// leaves a publication the next sync drops before creating it again.
    /// </summary>
    /// <remarks>
    /// A table with a --where condition is published with it as row filter. PostgreSQL then rejects UPDATE and DELETE
    /// on the source for a table whose filter uses a column outside its replica identity: a publication of the filtered
    /// tables alone is first made in a transaction that is rolled back, and refused when a filter does.
    /// </remarks>
    public static async Task CreatePublicationAsync(NpgsqlConnection admin, string publication, IReadOnlyList<TableInfo> tables, CancellationToken ct)
    {
        var filtered = tables.Where(t => t.Where is not null).ToList();
        if (filtered.Count > 0) await TryRowFiltersAsync(admin, publication, filtered, ct);
        // Leaf partitions are published as themselves (not via the root): the target has the same partitions, and a row
        // that moves between partitions arrives as a DELETE and an INSERT, exactly as on the source.
        var chunks = tables.Chunk(LockBudget.WorkerTables).Select(TableList).ToList();
        await PgSession.ExecuteAsync(admin, $"CREATE PUBLICATION {Quote.Ident(publication)}{(chunks.Count == 0 ? "" : " FOR TABLE " + chunks[0])}", ct);
        foreach (var chunk in chunks.Skip(1))
            await PgSession.ExecuteAsync(admin, $"ALTER PUBLICATION {Quote.Ident(publication)} ADD TABLE {chunk}", ct);
    }

    static string TableList(IEnumerable<TableInfo> tables) =>
        string.Join(", ", tables.Select(t => "ONLY " + t.QualifiedName + (t.Where is { } where ? $" WHERE ({where})" : "")));

    static async Task TryRowFiltersAsync(NpgsqlConnection admin, string publication, IReadOnlyList<TableInfo> filtered, CancellationToken ct)
    {
        await using var trial = await admin.BeginTransactionAsync(ct);
        try
        {
            await PgSession.ExecuteAsync(admin, $"CREATE PUBLICATION {Quote.Ident(publication)} FOR TABLE {TableList(filtered)}", ct);
        }
        catch (PgMoveException e) when (e.InnerException is PostgresException pg)
        {
            throw new PgMoveException(ExitCode.Usage, $"--where with sync: the condition cannot be a publication row filter ({pg.MessageText}); nothing was changed", e);
        }
        var outside = await RelationCatalog.ReadRowFilterColumnsOutsideIdentityAsync(admin, publication, ct);
        await trial.RollbackAsync(ct);
        if (outside.Count > 0)
            throw new PgMoveException(ExitCode.Usage, "--where with sync: a publication row filter may use only the replica identity's columns, " +
                "else PostgreSQL rejects UPDATE and DELETE on the source table: " +
                string.Join("; ", outside.Select(o => $"{o.Table} uses {string.Join(", ", o.Columns)}")) +
                ". Filter on key columns, or set REPLICA IDENTITY FULL on the table first; nothing was changed");
    }

    public static async Task<bool> DropPublicationAsync(NpgsqlConnection admin, string publication, CancellationToken ct)
    {
        if (!await ReplicationCatalog.PublicationExistsAsync(admin, publication, ct)) return false;
        await PgSession.ExecuteAsync(admin, $"DROP PUBLICATION IF EXISTS {Quote.Ident(publication)}", ct);
        return true;
    }

    /// <summary>Drops the slot if it exists, waiting a little for a walsender that is just exiting to release it.</summary>
    public static async Task<bool> DropSlotAsync(NpgsqlConnection admin, string slot, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var info = await ReplicationCatalog.ReadSlotAsync(admin, slot, ct);
            if (info is null) return false;
            if (info.ActivePid is { } pid)
            {
                if (attempt >= 50)
                    throw new PgMoveException(ExitCode.StepFailed,
                        $"replication slot {slot} is in use by process {pid} on the source (is a pgmove sync still running?)");
                await Task.Delay(200, ct);
                continue;
            }
            await using var cmd = new NpgsqlCommand("SELECT pg_drop_replication_slot($1)", admin) { Parameters = { new() { Value = slot } } };
            try
            {
                await cmd.ExecuteNonQueryAsync(ct);
                return true;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.ObjectInUse or PostgresErrorCodes.UndefinedObject && attempt < 50)
            {
                if (e.SqlState == PostgresErrorCodes.UndefinedObject) return false; // dropped meanwhile
                await Task.Delay(200, ct);
            }
        }
    }
}
