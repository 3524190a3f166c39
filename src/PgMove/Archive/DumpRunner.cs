using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Data;
using PgMove.Errors;
using PgMove.Indexes;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Schema;

namespace PgMove.Archive;

/// <summary>
/// <c>pgmove dump</c>: one exported snapshot on the source; in it, pg_dump writes the schema (pre-data and post-data,
/// as for copy) while --jobs sessions write one zstd file per table, biggest first, and the large objects; the
/// sequences and the plan's catalog go into manifest.json, written last and atomically with every file's checksum.
/// </summary>
public sealed class DumpRunner(DumpOptions options, IProgressSink sink)
{
    public async Task<ArchiveSummary> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var directory = PrepareDirectory(options.Directory);
        var sourceCs = options.Source.ToNpgsql("pgmove", SessionSettings.Source, options.Jobs + 2, TableLoader.SocketBufferBytes);
        await using var holder = await PgSession.OpenAsync(sourceCs, Side.Source, options.Source.ToString(), ct);
        var server = await ServerCatalog.ReadAsync(holder, ct);
        var tools = PgToolset.Locate(server.Major, options.PgBin);
        await using var snapshot = await SnapshotHolder.ExportAsync(holder, ct);
        var schema = new SchemaArchive(tools, Path.Combine(directory, ArchiveManifest.SchemaFile));
        using var dumpStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        schema.StartDump(options.Source, snapshot.Id, dumpStop.Token);
        try
        {
            var manifest = await ReadCatalogAsync(holder, server, ct);
            await snapshot.LockAsync(manifest.Tables.Select(t => t.Table), ct);
            var files = new ConcurrentDictionary<string, ArchiveFile>();
            var items = new List<WorkItem>(manifest.Tables.Select(t => new TableDumpItem(t.Table, directory, files)));
            if (manifest.LargeObjects > 0) items.Add(new LargeObjectsDumpItem(directory, files));
            var context = Context(sourceCs, snapshot, schema);
            var store = new StateStore(Path.Combine(directory, "dump-state"));
            store.WritePlan(items);
            sink.Report(new PlanReady(items, options.Jobs, store.Directory));
            sink.Report(new Notice($"using {schema.ToolDescription}"));
            await new Scheduler(options.Jobs, store, sink).RunAsync(items, context, ct);
            await schema.DumpAsync(options.Source, snapshot.Id, ct);
            await snapshot.ReleaseAsync(ct);
            files[ArchiveManifest.SchemaFile] = await HashFileAsync(schema.Path, ct);
            manifest = manifest with { Files = new SortedDictionary<string, ArchiveFile>(files, StringComparer.Ordinal) };
            await manifest.SaveAsync(directory, ct);
            return new ArchiveSummary(directory, manifest.Tables.Count, manifest.Tables.Sum(t => files[t.File].Rows ?? 0),
                files.Values.Sum(f => f.Size), clock.Elapsed);
        }
        finally
        {
            await dumpStop.CancelAsync();
            await schema.SettleDumpAsync();
        }
    }

    /// <summary>Creates the archive directory, or takes an empty one; refuses one that holds anything.</summary>
    static string PrepareDirectory(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new PgMoveException(ExitCode.Refused, $"archive directory {full} is not empty; choose a new or empty directory; nothing was written");
        Directory.CreateDirectory(full);
        return full;
    }

    /// <summary>What the copy's plan reads from the source, read inside the snapshot, as the manifest keeps it.</summary>
    static async Task<ArchiveManifest> ReadCatalogAsync(NpgsqlConnection connection, ServerInfo server, CancellationToken ct)
    {
        await CopyRunner.RequireReadableAsync(connection, server, ct);
        var (indexes, foreignKeys) = await IndexCatalog.ReadAsync(connection, ct);
        var tables = await TableCatalog.ReadAsync(connection, server.VersionNum, ct);
        return new ArchiveManifest
        {
            Created = DateTimeOffset.UtcNow,
            SourceVersion = server.Version,
            SourceVersionNum = server.VersionNum,
            Database = await DatabaseCatalog.ReadCurrentAsync(connection, server.VersionNum, ct),
            Settings = await SettingsCatalog.ReadAsync(connection, ct),
            Tables = tables.Select(t => new ArchivedTable(t, TableDumpItem.FileOf(t))).ToList(),
            Indexes = indexes,
            ForeignKeys = foreignKeys,
            Analyzable = (await TableCatalog.ReadAnalyzableAsync(connection, ct)).Select(a => new AnalyzeTarget(a.Schema, a.Name, a.Bytes)).ToList(),
            RestoreNeedsBuiltKeys = await IndexCatalog.IsReferencedByRestoreAsync(connection, indexes, foreignKeys, ct),
            Sequences = await SequenceCatalog.ReadAsync(connection, ct),
            LargeObjects = await ObjectCatalog.CountLargeObjectsAsync(connection, ct),
            Files = new Dictionary<string, ArchiveFile>(),
        };
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

    static async Task<ArchiveFile> HashFileAsync(string path, CancellationToken ct)
    {
        // pg_dump ran with --no-sync: the archive's schema reaches the disk here, before the manifest names it.
        await using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        file.Flush(flushToDisk: true);
        var hash = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, ct));
        return new ArchiveFile(file.Length, hash);
    }
}
