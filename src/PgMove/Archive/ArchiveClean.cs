using PgMove.Archive.PgDumpDirectory;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Indexes;
using PgMove.Schema;
using PgMove.Target;

namespace PgMove.Archive;

/// <summary>
/// <c>restore --clean</c> on a target database that is not empty: the copy's own rule (<see cref="CleanPlan"/>), with
/// the archive in the source's place. An archive holds SQL, not catalog rows, so its schema and large objects are
/// restored into a scratch database on the target server first (every piece of a schema in pieces), and the plan
/// compares the target with that.
/// </summary>
internal static class ArchiveClean
{
    /// <summary>
    /// Null when the target database is empty. Otherwise refuses without --clean; with it, returns what clean drops,
    /// refusing (exit 6) when the target has something the archive would not bring back. Nothing is changed here.
    /// </summary>
    /// <param name="clean">--clean.</param>
    /// <param name="target">The target database (it exists).</param>
    /// <param name="targetCs">A connection string to it.</param>
    /// <param name="server">The target server (clean reads the archive in a scratch database: CREATEDB).</param>
    /// <param name="tools">pg_restore to use.</param>
    /// <param name="archivePath">The archive's schema: pgmove's schema file, or a pg_dump directory (or a link to either).</param>
    /// <param name="manifest">pgmove's manifest, for a schema in pieces; null for pg_dump's archives.</param>
    /// <param name="encoding">The dumped database's encoding.</param>
    /// <param name="ct">Stops the reads.</param>
    public static async Task<CleanPlan?> PlanAsync(bool clean, ConnectionSpec target, string targetCs, ServerInfo server, PgToolset tools,
        string archivePath, ArchiveManifest? manifest, string encoding, CancellationToken ct)
    {
        await using var session = await PgSession.OpenAsync(targetCs, Side.Target, target.ToString(), ct);
        var objects = await DatabaseCatalog.ListUserObjectsAsync(session, 5, ct);
        if (objects.Count == 0) return null;
        if (!clean)
            throw new PgMoveException(ExitCode.TargetNotEmpty,
                $"target database \"{target.Database}\" is not empty ({string.Join(", ", objects)}{(objects.Count == 5 ? ", …" : "")}); " +
                "use --clean to drop the objects the restore would create, or choose an empty or a new database; nothing was changed");
        if (!server.CanCreateDatabase && !server.IsSuperuser)
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"--clean: user \"{server.CurrentUser}\" may not create databases (needs CREATEDB): clean compares the target with the " +
                "archive's schema read in a scratch database; nothing was changed");
        var plan = await ScratchCatalog.WithScratchAsync(target, encoding, (scratch, token) => RestoreSchemaAsync(scratch, tools, archivePath, manifest, token),
            (scratch, _, token) => CleanPlan.ReadAsync(scratch, session, token), ct);
        return plan.Safe ? plan : throw new PgMoveException(ExitCode.TargetNotEmpty, plan.RefusalMessage(target.Database, "the archive"));
    }

    /// <summary>
    /// The archive's pre-data and post-data, every piece (pre-data holds the large objects). In pieces, a foreign key
    /// may reference a table of a later piece, whose key that piece's post-data makes: the keys are added last, as the
    /// restore's plan builds them.
    /// </summary>
    static async Task RestoreSchemaAsync(ConnectionSpec scratch, PgToolset tools, string archivePath, ArchiveManifest? manifest, CancellationToken ct)
    {
        const uint pgConstraint = 2606;
        var schema = new SchemaArchive(tools, archivePath) { Pieces = ArchivedPieces.ToPieces(manifest?.Pieces) };
        var keys = schema.Pieces.IsSplit ? manifest!.ForeignKeys : [];
        var options = new RestoreOptions(NoOwner: true, NoAcl: true, "");
        await schema.RestoreAsync(scratch, "pre-data", 1, options, null, ct);
        await schema.RestoreAsync(scratch, "post-data", 1, options, keys.Select(k => (pgConstraint, k.Oid)).ToHashSet(), ct);
        if (keys.Count == 0) return;
        var tables = manifest!.Tables.ToDictionary(t => t.Table.Oid, t => t.Table);
        await using var session = await PgSession.OpenAsync(scratch.ToNpgsql("pgmove", null, 1), Side.Target, scratch.ToString(), ct);
        foreach (var key in keys) await PgSession.ExecuteAsync(session, ForeignKeyItem.AddSql(tables[key.TableOid], key), ct);
    }
}
