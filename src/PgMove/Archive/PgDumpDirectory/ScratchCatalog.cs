using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Schema;
using PgMove.Sql;
using PgMove.Target;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>
/// The copy's catalog of a pg_dump archive. A pg_dump archive holds SQL, not catalog rows: its schema (no data) is
/// restored into a scratch database on the target server, the copy's own catalog queries (TableCatalog, IndexCatalog)
/// read it there, and the scratch database is dropped. Each object then takes the OID the archive's entries carry, so
/// that pg_restore's list leaves out exactly what pgmove builds itself.
/// </summary>
internal static class ScratchCatalog
{
    /// <summary>What the scratch database showed, before the OIDs are those of the archive.</summary>
    public sealed record Model(
        IReadOnlyList<TableInfo> Tables,
        IReadOnlyList<IndexInfo> Indexes,
        IReadOnlyList<ConstraintInfo> ForeignKeys,
        IReadOnlyList<(string Schema, string Name, long Bytes)> Analyzable,
        bool RestoreNeedsBuiltKeys);

    /// <summary>Restores the archive's schema into a scratch database, reads it, and drops it again.</summary>
    /// <param name="target">The target server (any database on it).</param>
    /// <param name="tools">pg_restore to use.</param>
    /// <param name="archivePath">The archive directory (or a link to it).</param>
    /// <param name="encoding">The dumped database's encoding.</param>
    /// <param name="ct">Stops the work; the scratch database is dropped all the same.</param>
    public static Task<Model> ReadAsync(ConnectionSpec target, PgToolset tools, string archivePath, string encoding, CancellationToken ct) =>
        WithScratchAsync(target, encoding, (scratch, token) => ToolRunner.RunAsync(tools.PgRestore,
            ["--schema-only", "--no-owner", "--no-acl", "--exit-on-error", $"--dbname={scratch.ToLibpqConnInfo()}", archivePath],
            scratch, new Dictionary<string, string>(), "pg_restore of the archive's schema into a scratch database", token), ReadModelAsync, ct);

    /// <summary>The copy's catalog queries, run on the scratch database.</summary>
    /// <param name="session">A session on the scratch database.</param>
    /// <param name="versionNum">The server's version number.</param>
    /// <param name="ct">Stops the queries.</param>
    public static async Task<Model> ReadModelAsync(NpgsqlConnection session, int versionNum, CancellationToken ct)
    {
        var tables = await TableCatalog.ReadAsync(session, versionNum, ct);
        var (indexes, foreignKeys) = await IndexCatalog.ReadAsync(session, ct);
        var analyzable = await TableCatalog.ReadAnalyzableAsync(session, ct);
        var referenced = await IndexCatalog.IsReferencedByRestoreAsync(session, indexes, foreignKeys, ct);
        return new Model(tables, indexes, foreignKeys, analyzable, referenced);
    }

    /// <summary>
    /// Restores the archive's schema into a scratch database on the target server (<paramref name="restore"/>), runs
    /// <paramref name="read"/> on it, and drops it again, whatever happened.
    /// </summary>
    /// <param name="target">The target server (any database on it).</param>
    /// <param name="encoding">The dumped database's encoding.</param>
    /// <param name="restore">Restores the archive's schema into the scratch database it is given.</param>
    /// <param name="read">What to read there: a session on the scratch database and the server's version number.</param>
    /// <param name="ct">Stops the work; the scratch database is dropped all the same.</param>
    public static async Task<T> WithScratchAsync<T>(ConnectionSpec target, string encoding, Func<ConnectionSpec, CancellationToken, Task> restore,
        Func<NpgsqlConnection, int, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var name = "pgmove_scratch_" + Guid.NewGuid().ToString("N")[..12];
        var scratch = target.WithDatabase(name);
        int versionNum;
        await using (var maintenance = await MaintenanceSession.OpenAsync(target, ct))
        {
            versionNum = (await ServerCatalog.ReadAsync(maintenance, ct)).VersionNum;
            await PgSession.ExecuteAsync(maintenance,
                $"CREATE DATABASE {Quote.Ident(name)} WITH TEMPLATE template0 ENCODING {Quote.Literal(encoding)} LC_COLLATE 'C' LC_CTYPE 'C'", ct);
        }
        var cs = scratch.ToNpgsql("pgmove", null, 2);
        var done = false;
        try
        {
            await restore(scratch, ct);
            await using var session = await PgSession.OpenAsync(cs, Side.Target, scratch.ToString(), ct);
            var result = await read(session, versionNum, ct);
            done = true;
            return result;
        }
        finally
        {
            try
            {
                await TargetDatabase.DropCreatedAsync(scratch, cs, force: versionNum >= 130000);
            }
            catch (Exception e) when (!done && e is Errors.PgMoveException or NpgsqlException)
            {
                // The read failed already: its error is the one to report, not this one's.
            }
        }
    }
}
