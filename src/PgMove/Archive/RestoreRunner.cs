using System.Diagnostics;
using Npgsql;
using PgMove.Archive.PgDumpDirectory;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Data;
using PgMove.Errors;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Reporting;
using PgMove.Schema;
using PgMove.Sequences;
using PgMove.Target;

namespace PgMove.Archive;

/// <summary>
/// <c>pgmove restore</c>: the copy's own plan (<see cref="CopyPlan"/>: pre-data, TRUNCATE + COPY FREEZE per table,
/// batches of small tables, indexes and keys overlapped with the load, foreign keys, post-data, ANALYZE) run with
/// the rows read from the archive's files instead of the source. Each file is checked against the manifest
/// before it is loaded; a damaged one stops the run, naming it, with its table untouched.
/// </summary>
public sealed class RestoreRunner(ArchiveRestoreOptions options, IProgressSink sink)
{
    /// <summary><c>restore --check-only</c>: every file present, of its size and checksum; no server is contacted.</summary>
    /// <param name="ct">Stops the check.</param>
    public async Task<ArchiveSummary> CheckOnlyAsync(CancellationToken ct)
    {
        if (PgDumpArchive.IsPgDumpDirectory(options.Directory)) return await new PgDumpRestoreRunner(options, sink).CheckOnlyAsync(ct);
        var clock = Stopwatch.StartNew();
        var manifest = await ArchiveManifest.LoadAsync(options.Directory, ct);
        await ArchiveCheck.CheckAllAsync(options.Directory, manifest, ct);
        return Summary(manifest, manifest.Tables.Sum(t => manifest.Files[t.File].Rows ?? 0), clock.Elapsed, null);
    }

    /// <summary>Restores the archive into the target; returns what was loaded and, with --verify, the differing counts.</summary>
    /// <param name="ct">Stops the run.</param>
    public async Task<(ArchiveSummary Summary, IReadOnlyList<string> Differences)> RunAsync(CancellationToken ct)
    {
        // A directory written by pg_dump --format=directory (toc.dat, no manifest) is restored by its own runner.
        if (PgDumpArchive.IsPgDumpDirectory(options.Directory)) return await new PgDumpRestoreRunner(options, sink).RunAsync(ct);
        var clock = Stopwatch.StartNew();
        var directory = options.Directory;
        var manifest = await ArchiveManifest.LoadAsync(directory, ct);
        ArchiveCheck.CheckSizes(directory, manifest);
        var pieces = ArchivedPieces.ToPieces(manifest.Pieces);
        if (options.SingleTransaction && pieces.IsSplit) throw SingleTransactionRefused(manifest, pieces);
        var spec = options.Target ?? throw new PgMoveException(ExitCode.Usage, "restore needs --target (or --check-only)");
        var target = spec.HasExplicitDatabase ? spec : spec.WithDatabase(manifest.Database.Name);
        var (targetServer, exists) = await CheckTargetAsync(target, manifest, ct);
        var tools = PgToolset.Locate(manifest.SourceVersionNum / 10000, options.PgBin);
        var link = await LinkSchemaAsync(manifest, pieces, ct);
        var schema = new SchemaArchive(tools, link) { Pieces = pieces };
        var targetCs = target.ToNpgsql("pgmove", SessionSettings.Target, Math.Max(options.Jobs, options.IndexJobs) + 4, TableLoader.SocketBufferBytes);
        IReadOnlyList<Globals.PlannedStatement> roleSettings = [];
        var clean = exists ? await ArchiveClean.PlanAsync(options.Clean, target, targetCs, targetServer, tools, link, manifest, manifest.Database.Encoding, ct) : null;
        await using (var maintenance = await MaintenanceSession.OpenAsync(target, ct))
        {
            // Roles before CREATE DATABASE … OWNER and the pre-data restore, as copy does.
            if (options.Roles) roleSettings = await ArchiveRoles.CreateAsync(maintenance, manifest, target.Database, options.NoOwner, sink, ct);
            if (!exists)
            {
                await TargetDatabase.CreateAsync(maintenance, target.Database, manifest.Database, targetServer, sink, ct);
                await TargetDatabase.ApplySettingsAsync(maintenance, target.Database, manifest.Database.Settings, sink, ct);
            }
        }
        long rows;
        if (options.SingleTransaction) rows = await RunSingleAsync(manifest, target, targetCs, tools, link, created: !exists, clean, ct);
        else
        {
            await ExecuteAsync(clean, target, targetCs, sink, ct);
            var items = Plan(manifest, pieces);
            await RestorePlan.RunAsync(options, sink, items, manifest.Database.SizeBytes, target, targetCs, schema,
                new ArchiveRows(options.Directory, manifest), ct);
            rows = items.Where(i => i.Kind == WorkItemKind.TableData).Sum(i => i.Result.Rows);
        }
        await ArchiveRoles.FinishAsync(target, roleSettings, sink, ct);
        IReadOnlyList<string> differences = [];
        if (options.Verify)
        {
            await using var session = await PgSession.OpenAsync(targetCs, Side.Target, target.ToString(), ct);
            differences = await ArchiveCheck.CompareCountsAsync(session, manifest, ct);
        }
        return (Summary(manifest, rows, clock.Elapsed, target.ToString()), differences);
    }

    /// <summary>
    /// Checks every piece of the schema against the manifest and links it into the state directory (pg_restore's list
    /// files are written beside the archive it reads: the links keep the archive read-only); returns piece 0's link.
    /// </summary>
    async Task<string> LinkSchemaAsync(ArchiveManifest manifest, DumpPieces pieces, CancellationToken ct)
    {
        Directory.CreateDirectory(options.StateDirectory);
        foreach (var name in ArchivedPieces.Files(pieces))
        {
            if (!manifest.Files.TryGetValue(name, out var recorded))
                throw new PgMoveException(ExitCode.ArchiveDamaged, $"archive {options.Directory}: the manifest names no file {name} for its schema");
            var file = await ArchiveFiles.CheckAsync(options.Directory, name, recorded, ArchiveCheck.Describe(manifest, name), ct);
            var link = Path.Combine(options.StateDirectory, name);
            File.Delete(link);
            File.CreateSymbolicLink(link, Path.GetFullPath(file));
        }
        return Path.Combine(options.StateDirectory, ArchiveManifest.SchemaFile);
    }

    /// <summary>
    /// --single-transaction of a schema in pieces: its source could not lock its tables at once, and one transaction
    /// creating them all takes at least as many locks on the target (each new table, its TOAST table and its indexes).
    /// </summary>
    static PgMoveException SingleTransactionRefused(ArchiveManifest manifest, DumpPieces pieces) =>
        new(ExitCode.Usage,
            $"--single-transaction: this archive's schema was dumped in {pieces.Selections.Count} pieces because its source could not " +
            $"lock its {manifest.Tables.Count} tables at once; one transaction creating them all would need even more locks on the target " +
            "and fail with \"out of shared memory\"; restore it without --single-transaction (the parallel restore's steps are " +
            "resumable), or dump the source again with max_locks_per_transaction raised; nothing was changed");

    /// <summary>--single-transaction; on failure, a database this run created is dropped again, so the target is as it was.</summary>
    /// <remarks>--clean's drops run inside the one transaction: a failure brings the dropped objects back.</remarks>
    async Task<long> RunSingleAsync(ArchiveManifest manifest, ConnectionSpec target, string targetCs, PgToolset tools, string schemaPath,
        bool created, CleanPlan? clean, CancellationToken ct)
    {
        try
        {
            await using var session = await PgSession.OpenAsync(targetCs, Side.Target, target.ToString(), ct);
            var restore = new RestoreOptions(options.NoOwner, options.NoAcl, SessionSettings.RestoreOptions);
            return await SingleTransactionRestore.RunAsync(session, target, tools, schemaPath, manifest, options.Directory, restore,
                text => sink.Report(new Notice(text)), token => clean?.ExecuteAsync(session, target.Database, sink, token) ?? Task.CompletedTask, ct);
        }
        catch when (created)
        {
            await TargetDatabase.DropCreatedAsync(target, targetCs);
            throw;
        }
    }

    async Task<(ServerInfo Server, bool Exists)> CheckTargetAsync(ConnectionSpec target, ArchiveManifest manifest, CancellationToken ct)
    {
        await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
        var server = await ServerCatalog.ReadAsync(maintenance, ct);
        RequireSameOrNewer(server, manifest.SourceVersionNum / 10000, manifest.SourceVersion);
        var exists = await DatabaseCatalog.ExistsAsync(maintenance, target.Database, ct);
        if (!exists && !server.CanCreateDatabase && !server.IsSuperuser)
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"target database \"{target.Database}\" does not exist and user \"{server.CurrentUser}\" may not create it (needs CREATEDB)");
        return (server, exists);
    }

    /// <summary>Refuses a target server of an older major version than the archive's source (both kinds of archive).</summary>
    /// <param name="server">The target server.</param>
    /// <param name="sourceMajor">The archive's source's major version.</param>
    /// <param name="sourceVersion">Its version, as the archive records it.</param>
    internal static void RequireSameOrNewer(ServerInfo server, int sourceMajor, string sourceVersion)
    {
        if (server.VersionNum / 10000 < sourceMajor)
            throw new PgMoveException(ExitCode.Incompatible,
                $"the target server ({server.Version}) is older than the archive's source ({sourceVersion}); " +
                "pgmove restores into the same or a newer major version; nothing was changed");
    }

    /// <summary>--clean's drops, on their own session, before the plan runs; nothing when the target was empty.</summary>
    internal static async Task ExecuteAsync(CleanPlan? clean, ConnectionSpec target, string targetCs, IProgressSink sink, CancellationToken ct)
    {
        if (clean is null) return;
        await using var session = await PgSession.OpenAsync(targetCs, Side.Target, target.ToString(), ct);
        await clean.ExecuteAsync(session, target.Database, sink, ct);
    }

    /// <summary>
    /// The copy's plan for the archived catalog. What reads the source (schema dump, snapshot release, sequences, large
    /// objects) is marked done before the run and replaced by items that read the archive.
    /// </summary>
    IReadOnlyList<WorkItem> Plan(ArchiveManifest manifest, DumpPieces pieces)
    {
        var input = new CopyPlan.Input(manifest.Tables.Select(t => t.Table).ToList(), manifest.LargeObjects,
            manifest.Analyzable.Select(a => (a.Schema, a.Name, a.Bytes)).ToList(), manifest.Indexes, manifest.ForeignKeys,
            new Dictionary<uint, IReadOnlyList<string>>(), options.Jobs, manifest.RestoreNeedsBuiltKeys) { PieceOfTable = pieces.PieceOfTable };
        var items = CopyPlan.Build(input).ToList();
        foreach (var item in items.Where(i => i is SchemaDumpItem or SnapshotReleaseItem or SequenceSetItem or LargeObjectCopyItem))
            item.State = WorkItemState.Done;
        // In pieces, pre-data ends with its rest (what depends on the tables): what the copy's sequences wait for too.
        var preData = items.SingleOrDefault(i => i.Id == "schema:pre-data-rest") ?? items.Single(i => i.Id == "schema:pre-data");
        items.Add(new ArchiveSequencesItem(manifest).After(preData));
        if (manifest.LargeObjects > 0)
        {
            var objects = new ArchiveLargeObjectsItem(options.Directory, manifest).After(preData);
            items.Single(i => i.Kind == WorkItemKind.PostData).After(objects);
            items.Add(objects);
        }
        return items;
    }

    ArchiveSummary Summary(ArchiveManifest manifest, long rows, TimeSpan elapsed, string? target) =>
        new(options.Directory, manifest.Tables.Count, rows, manifest.Files.Values.Sum(f => f.Size), elapsed, target);
}
