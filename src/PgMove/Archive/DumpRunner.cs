using System.Diagnostics;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Data;
using PgMove.Errors;
using PgMove.Filters;
using PgMove.Indexes;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Resume;
using PgMove.Schema;

namespace PgMove.Archive;

/// <summary>
/// <c>pgmove dump</c>: one exported snapshot on the source; in it, pg_dump writes the schema (pre-data and post-data,
/// as for copy, with the copy's filters, in the copy's pieces when there are too many tables to lock at once) while
/// --jobs sessions write one zstd file per table, biggest first, and the large objects; the sequences, the plan's
/// catalog and the pieces go into manifest.json, written last and atomically with every file's checksum.
/// <c>--resume</c> finishes an interrupted dump (<see cref="DumpResume"/>).
/// </summary>
public sealed class DumpRunner(DumpOptions options, IProgressSink sink)
{
    /// <summary>The dump's state directory inside the archive: plan, item states, the journal of finished files.</summary>
    public const string StateDirectoryName = "dump-state";

    public async Task<ArchiveSummary> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var directory = PrepareDirectory(options.Directory, options.Resume);
        if (options.Resume && File.Exists(Path.Combine(directory, ArchiveManifest.FileName)))
        {
            var finished = await ArchiveManifest.LoadAsync(directory, ct);
            sink.Report(new Notice("dump --resume: the archive is already complete (it has its manifest); nothing to do"));
            return Summary(directory, finished, clock.Elapsed);
        }
        var state = Path.Combine(directory, StateDirectoryName);
        var resume = options.Resume ? DumpResume.Load(state) : null;
        var sourceCs = options.Source.ToNpgsql("pgmove", SessionSettings.Source, options.Jobs + 2, TableLoader.SocketBufferBytes);
        await using var holder = await PgSession.OpenAsync(sourceCs, Side.Source, options.Source.ToString(), ct);
        var server = await ServerCatalog.ReadAsync(holder, ct);
        var identity = CopyRunRecord.Identity(server, options.Source);
        resume?.CheckSameRun(identity, options.Filters.Describe());
        var tools = PgToolset.Locate(server.Major, options.PgBin);
        // Read before the snapshot: a write committed after it always shows as a change to a resume.
        var statistics = resume is null ? await SourceStatistics.ReadAsync(holder, ct) : null;
        await using var snapshot = await SnapshotHolder.ExportAsync(holder, ct);
        var selection = await SelectionReader.ReadAsync(holder, options.Filters, options.Source.Database, ct);
        // A resume dumps the schema again, in the pieces its snapshot needs: the interrupted run's pieces go.
        foreach (var old in Directory.EnumerateFiles(directory, ArchiveManifest.SchemaFile + "*")) File.Delete(old);
        var schema = new SchemaArchive(tools, Path.Combine(directory, ArchiveManifest.SchemaFile)) { DumpFilters = PgDumpFilterArguments.Of(selection) };
        // The copy's rule: too many tables for one pg_dump or the holder to lock, the schema is dumped in pieces.
        var budget = await LockBudget.ReadAsync(holder, ct);
        schema.Pieces = await DumpPieces.PlanAsync(holder, budget, ct, selection);
        if (schema.Pieces.IsSplit) sink.Report(new Notice(schema.Pieces.Describe(budget)));
        using var dumpStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        schema.StartDump(options.Source, snapshot.Id, dumpStop.Token);
        try
        {
            var manifest = await ReadCatalogAsync(holder, server, selection, ct);
            // Too many to lock at once: each data session locks and checks its own table (TableDumpItem).
            if (budget.FitsAtOnce(manifest.Tables.Count)) await snapshot.LockAsync(manifest.Tables.Select(t => t.Table), ct);
            var journal = new DumpJournal(state);
            var items = Plan(manifest, directory, journal);
            await RecordOrResumeAsync(resume ?? new DumpResume(identity, options.Filters.Describe(), statistics!), resume is not null,
                items, journal, directory, sourceCs, ct);
            var store = new StateStore(state);
            store.WritePlan(items);
            sink.Report(new PlanReady(items, options.Jobs, store.Directory));
            sink.Report(new Notice($"using {schema.ToolDescription}"));
            await new Scheduler(options.Jobs, store, sink).RunAsync(items, Context(sourceCs, snapshot, schema), ct);
            await schema.DumpAsync(options.Source, snapshot.Id, ct);
            await snapshot.ReleaseAsync(ct);
            foreach (var piece in ArchivedPieces.Files(schema.Pieces)) journal.Keep(piece, await HashFileAsync(Path.Combine(directory, piece), ct));
            RemoveStrayFiles(directory, journal);
            manifest = manifest with
            {
                Pieces = ArchivedPieces.Of(schema.Pieces),
                Files = new SortedDictionary<string, ArchiveFile>(journal.Files.ToDictionary(), StringComparer.Ordinal),
            };
            await manifest.SaveAsync(directory, ct);
            return Summary(directory, manifest, clock.Elapsed);
        }
        finally
        {
            await dumpStop.CancelAsync();
            await schema.SettleDumpAsync();
        }
    }

    /// <summary>A new dump records what a resume needs before its first file; a resume keeps the finished files it can.</summary>
    async Task RecordOrResumeAsync(DumpResume run, bool resuming, IReadOnlyList<WorkItem> items, DumpJournal journal, string directory,
        string sourceCs, CancellationToken ct)
    {
        if (!resuming)
        {
            run.Save(Path.Combine(directory, StateDirectoryName));
            return;
        }
        // Outside the snapshot: the change counters must be read as they are now.
        await using var counters = await PgSession.OpenAsync(sourceCs, Side.Source, options.Source.ToString(), ct);
        await run.KeepFinishedAsync(items, journal, directory, counters, sink, ct);
    }

    /// <summary>Creates the archive directory, or takes an empty one; refuses one that holds anything (but with --resume).</summary>
    static string PrepareDirectory(string directory, bool resume)
    {
        var full = Path.GetFullPath(directory);
        if (resume)
        {
            if (!Directory.Exists(full))
                throw new PgMoveException(ExitCode.Refused, $"dump --resume: archive directory {full} does not exist; nothing was written");
            return full;
        }
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new PgMoveException(ExitCode.Refused, $"archive directory {full} is not empty; choose a new or empty directory, " +
                                                        "or finish an interrupted dump with --resume; nothing was written");
        Directory.CreateDirectory(full);
        return full;
    }

    static List<WorkItem> Plan(ArchiveManifest manifest, string directory, DumpJournal journal)
    {
        var items = new List<WorkItem>(manifest.Tables.Select(t => new TableDumpItem(t.Table, directory, journal)));
        if (manifest.LargeObjects > 0) items.Add(new LargeObjectsDumpItem(directory, journal));
        return items;
    }

    /// <summary>
    /// What the copy's plan reads from the source (<see cref="SourceModel"/>, the same filters), read inside the
    /// snapshot, as the manifest keeps it; each table's format as the archive writes it (<see cref="TableDumpItem.AsArchived"/>).
    /// </summary>
    static async Task<ArchiveManifest> ReadCatalogAsync(NpgsqlConnection connection, ServerInfo server, Selection selection, CancellationToken ct)
    {
        var source = await SourceModel.ReadAsync(connection, server, selection, ct);
        var variableWidth = await ColumnWidthCatalog.ReadMostlyVariableWidthAsync(connection, ct);
        return new ArchiveManifest
        {
            Created = DateTimeOffset.UtcNow,
            SourceVersion = server.Version,
            SourceVersionNum = server.VersionNum,
            Database = source.Database,
            Settings = await SettingsCatalog.ReadAsync(connection, ct),
            Tables = source.Tables.Select(t => TableDumpItem.AsArchived(t, variableWidth)).Select(t => new ArchivedTable(t, TableDumpItem.FileOf(t))).ToList(),
            Indexes = source.Indexes,
            ForeignKeys = source.ForeignKeys,
            Analyzable = source.Analyzable.Select(a => new AnalyzeTarget(a.Schema, a.Name, a.Bytes)).ToList(),
            RestoreNeedsBuiltKeys = source.RestoreNeedsBuiltKeys,
            Sequences = (await SequenceCatalog.ReadAsync(connection, ct)).Where(s => selection.IncludesName(s.Schema, s.Name)).ToList(),
            LargeObjects = source.LargeObjects,
            Roles = ArchivedRoles.Of(await RoleCatalog.ReadDependenciesAsync(connection, ct)),
            Files = new Dictionary<string, ArchiveFile>(),
        };
    }

    /// <summary>Data files an interrupted dump left that the finished archive does not name (a table dropped since, a torn file).</summary>
    static void RemoveStrayFiles(string directory, DumpJournal journal)
    {
        foreach (var path in Directory.EnumerateFiles(directory, "*.zst"))
            if (!journal.Files.ContainsKey(Path.GetFileName(path))) File.Delete(path);
    }

    /// <summary>The items of a dump read the source only: the target half of the context is the source, never used.</summary>
    WorkContext Context(string sourceCs, SnapshotHolder snapshot, SchemaArchive schema) => new()
    {
        Source = options.Source,
        Target = options.Source,
        SourceConnectionString = sourceCs,
        TargetConnectionString = sourceCs,
        Snapshot = snapshot,
        Archive = schema,
        RestoreOptions = new RestoreOptions(false, false, ""),
        IndexJobs = 1,
        SortMemory = new SortMemoryBudget(0, 0, 0),
        Sink = sink,
    };

    static ArchiveSummary Summary(string directory, ArchiveManifest manifest, TimeSpan elapsed) =>
        new(directory, manifest.Tables.Count, manifest.Tables.Sum(t => manifest.Files[t.File].Rows ?? 0), manifest.Files.Values.Sum(f => f.Size), elapsed);

    static async Task<ArchiveFile> HashFileAsync(string path, CancellationToken ct)
    {
        // pg_dump ran with --no-sync: the archive's schema reaches the disk here, before the manifest names it.
        await using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        file.Flush(flushToDisk: true);
        var hash = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, ct));
        return new ArchiveFile(file.Length, hash);
    }
}
