using Npgsql;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// The cutover's fence on the source database: no role but a superuser can write after it. In one transaction,
/// the database's CONNECTION LIMIT becomes 0 (only superusers may connect) and default_transaction_read_only is
/// set, with the previous values kept in the migration record; then every other session of the database is ended
/// and waited for, so no transaction can commit after the fence. Lifting it restores both values exactly.
/// </summary>
internal static class SourceFence
{
    /// <summary>
    /// The fence to apply, with the settings it will replace, read before anything changes: if applying it fails
    /// halfway (even with its commit's reply lost), lifting it restores exactly these.
    /// </summary>
    /// <param name="admin">The cutover's session on the source database.</param>
    /// <param name="inForce">A fence an earlier cutover left in force: its saved settings are the ones to restore.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<FenceRecord> PrepareAsync(NpgsqlConnection admin, FenceRecord? inForce, CancellationToken ct)
    {
        if (inForce is not null) return inForce with { Id = Guid.NewGuid().ToString("N"), At = DateTimeOffset.UtcNow };
        var limit = await PgSession.ScalarAsync<int>(admin, "SELECT datconnlimit FROM pg_database WHERE datname = current_database()", ct);
        return new FenceRecord(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, limit, await ReadOnlySettingAsync(admin, ct));
    }

    /// <summary>Applies the fence's settings and records them; then <see cref="EndOtherSessionsAsync"/>.</summary>
    public static async Task ApplyAsync(NpgsqlConnection admin, string publication, MigrationRecord record, FenceRecord fence, CancellationToken ct)
    {
        var database = admin.Database;
        await using var tx = await admin.BeginTransactionAsync(ct);
        await MigrationRecordStore.WriteAsync(admin, publication, record with { Fence = fence }, ct);
        await PgSession.ExecuteAsync(admin,
            $"ALTER DATABASE {Quote.Ident(database)} CONNECTION LIMIT 0; " +
            $"ALTER DATABASE {Quote.Ident(database)} SET default_transaction_read_only = on", ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Restores what the fence replaced. <paramref name="connection"/> may be on any database of the source cluster
    /// (a non-superuser cannot reconnect to the fenced one); the record is updated only from the fenced database.
    /// </summary>
    public static async Task LiftAsync(NpgsqlConnection connection, string database, FenceRecord? fence, string publication,
        MigrationRecord? record, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await PgSession.ExecuteAsync(connection, LiftSql(database, fence), ct);
        if (record is not null && connection.Database == database)
            await MigrationRecordStore.WriteAsync(connection, publication, record with { Fence = null }, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The SQL that lifts the fence; runs from any database of the cluster (what advice prints).</summary>
    public static string LiftSql(string database, FenceRecord? fence)
    {
        var db = Quote.Ident(database);
        var setting = fence?.ReadOnlySetting is { } value
            ? $"ALTER DATABASE {db} SET default_transaction_read_only = {Quote.Literal(value)}"
            : $"ALTER DATABASE {db} RESET default_transaction_read_only";
        return $"ALTER DATABASE {db} CONNECTION LIMIT {fence?.ConnectionLimit ?? -1}; {setting}";
    }

    /// <summary>
    /// The fence's lifting as SQL to paste into any session on the source, even one in the fenced database (whose
    /// default is read-only): as a superuser or the database's owner.
    /// </summary>
    public static string LiftAdvice(string database, FenceRecord? fence) => $"BEGIN READ WRITE; {LiftSql(database, fence)}; COMMIT;";

    static async Task<string?> ReadOnlySettingAsync(NpgsqlConnection admin, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT substr(s, length('default_transaction_read_only=') + 1)
            FROM pg_db_role_setting d, unnest(d.setconfig) AS s
            WHERE d.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND d.setrole = 0
              AND s LIKE 'default\_transaction\_read\_only=%'
            """, admin);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// Ends the database's other client sessions and waits until they are gone, signalling again on every pass (a
    /// session that connected just before the fence may show up late): one still committing could otherwise commit
    /// after the fence's WAL message. Spared: the sessions whose pids are given (the cutover's own, the sync's admin
    /// session), and superusers' when the cutover user is none (it may not end them; the fence does not bind them).
    /// Throws when some are still there after a few seconds, so that the cutover lifts the fence.
    /// </summary>
    public static async Task EndOtherSessionsAsync(NpgsqlConnection admin, IReadOnlyCollection<int> spared, CancellationToken ct)
    {
        const string others = """
            FROM pg_stat_activity a
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
              AND NOT (pid = ANY($1))
              AND (current_setting('is_superuser')::bool OR NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = a.usesysid AND r.rolsuper))
            """;
        var spare = spared.ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)), count(*) " + others, admin)
            { Parameters = { new() { Value = spare } } };
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                if (reader.GetInt64(1) == 0) return;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(5))
                throw new PgMoveException(ExitCode.StepFailed, "sessions of the source database did not end within 5 s of being terminated");
            await Task.Delay(10, ct); // a terminated backend exits within milliseconds unless it is stuck in I/O
        }
    }
}
