using System.Diagnostics;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Data;
using PgMove.Errors;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Schema;
using PgMove.Sequences;
using PgMove.Sql;
using PgMove.Target;

namespace PgMove.Archive.PgDumpDirectory;

/// <summary>
/// <c>pgmove restore</c> of an archive written by <c>pg_dump --format=directory</c>, with the copy's plan: pre-data
/// by pg_restore; each table's data file loaded with TRUNCATE + COPY FREEZE, biggest first, small tables in batches;
/// indexes and keys built as each table's rows are in; foreign keys; the rest of the data section (sequence values,
/// large objects) and of post-data by pg_restore, less what pgmove did; ANALYZE. Every data file is found before the
/// target is touched; one that turns out damaged stops the restore, naming it, its table's load rolled back.
/// </summary>
public sealed class PgDumpRestoreRunner(ArchiveRestoreOptions options, IProgressSink sink)
{
    /// <summary>Where pg_restore reads the archive: a link in the state directory, so that its list files stay out of the archive.</summary>
    const string ArchiveLink = "pg_dump-archive";

    /// <summary><c>restore --check-only</c>: every data file is read to its end (decompressed, with its end-of-data line).</summary>
    /// <param name="ct">Stops the check.</param>
    public async Task<ArchiveSummary> CheckOnlyAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var archive = await OpenAsync(ct);
        var entries = archive.Toc.OfType("TABLE DATA").ToList();
        long rows = 0;
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = options.Jobs, CancellationToken = ct },
            async (entry, token) => Interlocked.Add(ref rows, await PgDumpRows.CountAsync(archive, entry, token)));
        return new ArchiveSummary(options.Directory, entries.Count, rows, ArchiveBytes(archive), clock.Elapsed);
    }

    /// <summary>Restores the archive into the target; with --verify, returns the tables whose row count differs from their file's.</summary>
    /// <param name="ct">Stops the run.</param>
    public async Task<(ArchiveSummary Summary, IReadOnlyList<string> Differences)> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (options.SingleTransaction)
            throw new PgMoveException(ExitCode.Usage,
                "--single-transaction is not available for a pg_dump archive; use pg_restore --single-transaction, or restore without it");
        if (options.Roles)
            throw new PgMoveException(ExitCode.Usage,
                "--roles needs a pgmove archive (its manifest records the roles); a pg_dump archive has none: create them first " +
                "(pg_dumpall --roles-only from the source, or pgmove roles), then restore without --roles");
        var archive = await OpenAsync(ct);
        var toc = archive.Toc;
        var sizes = toc.OfType("TABLE DATA").ToDictionary(e => e.DumpId, e => EstimateBytes(archive.DataFile(e)));
        var database = DumpedDatabase.Read(toc, sizes.Values.Sum());
        // The archive's names and rows are in the dumped database's encoding; pgmove reads names and sends rows as UTF-8.
        if (!string.Equals(database.Encoding, "UTF8", StringComparison.OrdinalIgnoreCase))
            throw new PgMoveException(ExitCode.Incompatible,
                $"the pg_dump archive is in encoding {database.Encoding}; pgmove restores pg_dump archives of UTF8 databases only: " +
                "restore it with pg_restore, or dump the source with pgmove dump; nothing was changed");
        var spec = options.Target ?? throw new PgMoveException(ExitCode.Usage, "restore needs --target (or --check-only)");
        var target = spec.HasExplicitDatabase ? spec : spec.WithDatabase(database.Name);
        var tools = PgToolset.Locate(Math.Max(Major(toc.ServerVersion), Major(toc.DumpVersion)), options.PgBin);
        Directory.CreateDirectory(options.StateDirectory);
        var link = Path.Combine(options.StateDirectory, ArchiveLink);
        File.Delete(link);
        File.CreateSymbolicLink(link, Path.GetFullPath(options.Directory));
        var (server, exists) = await CheckTargetAsync(target, Major(toc.ServerVersion), toc.ServerVersion, ct);
        sink.Report(new Notice($"pg_dump archive {options.Directory} (archive version {toc.Version}, {toc.Compression} data files, " +
                               $"dumped from PostgreSQL {toc.ServerVersion}); reading its schema in a scratch database"));
        var model = await ScratchCatalog.ReadAsync(target, tools, link, database.Encoding, ct);
        var plan = PgDumpPlan.Build(toc, model.Tables, model.Indexes, model.ForeignKeys, model.Analyzable, model.RestoreNeedsBuiltKeys,
            e => sizes[e.DumpId], options.Jobs);
        var targetCs = target.ToNpgsql("pgmove", SessionSettings.Target, Math.Max(options.Jobs, options.IndexJobs) + 4, TableLoader.SocketBufferBytes);
        var clean = exists ? await ArchiveClean.PlanAsync(options.Clean, target, targetCs, server, tools, link, null, database.Encoding, ct) : null;
        await using (var maintenance = await MaintenanceSession.OpenAsync(target, ct))
        {
            if (!exists)
            {
                await TargetDatabase.CreateAsync(maintenance, target.Database, database, server, sink, ct);
                foreach (var statement in DumpedDatabase.PropertyStatements(toc, target.Database))
                {
                    try
                    {
                        await PgSession.ExecuteAsync(maintenance, statement, ct);
                    }
                    catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedObject
                                                            && statement.StartsWith("ALTER ROLE ", StringComparison.Ordinal))
                    {
                        // pg_dump archives hold no roles: a role's setting for this database waits for the role.
                        sink.Report(new Notice($"not applied ({e.MessageText}): {statement}", IsWarning: true));
                    }
                }
            }
        }
        var items = Items(plan);
        await RestoreRunner.ExecuteAsync(clean, target, targetCs, sink, ct);
        await RestorePlan.RunAsync(options, sink, items, database.SizeBytes, target, targetCs, new SchemaArchive(tools, link),
            new PgDumpRows(archive, plan.Data), ct);
        var rows = items.Where(i => i.Kind == WorkItemKind.TableData).Sum(i => i.Result.Rows);
        IReadOnlyList<string> differences = options.Verify ? await VerifyAsync(archive, plan, targetCs, target, ct) : [];
        return (new ArchiveSummary(options.Directory, plan.Data.Count, rows, ArchiveBytes(archive), clock.Elapsed, target.ToString()), differences);
    }

    Task<PgDumpArchive> OpenAsync(CancellationToken ct) => PgDumpArchive.OpenAsync(options.Directory, ct);

    static long ArchiveBytes(PgDumpArchive archive) =>
        new DirectoryInfo(archive.Directory).EnumerateFiles().Sum(f => f.Length);

    /// <summary>What a table's rows weigh, from its file: compressed text COPY is about a fifth of its rows' size.</summary>
    static long EstimateBytes(string file) => new FileInfo(file).Length * (Path.GetExtension(file) is ".gz" or ".zst" ? 5 : 1);

    static int Major(string version) =>
        int.TryParse(new string(version.TakeWhile(char.IsDigit).ToArray()), out var major) ? major : 0;

    async Task<(ServerInfo Server, bool Exists)> CheckTargetAsync(ConnectionSpec target, int sourceMajor, string sourceVersion, CancellationToken ct)
    {
        await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
        var server = await ServerCatalog.ReadAsync(maintenance, ct);
        RestoreRunner.RequireSameOrNewer(server, sourceMajor, sourceVersion);
        var exists = await DatabaseCatalog.ExistsAsync(maintenance, target.Database, ct);
        if (!server.CanCreateDatabase && !server.IsSuperuser)
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"user \"{server.CurrentUser}\" may not create databases (needs CREATEDB): a pg_dump archive's schema is read in a scratch database");
        return (server, exists);
    }

    /// <summary>
    /// The copy's plan, less what reads a source (marked done), plus pg_restore of the data section's other entries
    /// (sequence values, large objects) once pre-data is in, before post-data.
    /// </summary>
    static List<WorkItem> Items(PgDumpPlan.Result plan)
    {
        var items = CopyPlan.Build(plan.Input).ToList();
        foreach (var item in items.Where(i => i is SchemaDumpItem or SnapshotReleaseItem or SequenceSetItem or LargeObjectCopyItem))
            item.State = WorkItemState.Done;
        var preData = items.Single(i => i.Id == "schema:pre-data");
        var data = new SchemaRestoreItem("data", plan.LoadedEntries).After(preData);
        items.Single(i => i.Kind == WorkItemKind.PostData).After(data);
        items.Add(data);
        return items;
    }

    /// <summary>--verify: each loaded table's row count on the target against the rows in its data file.</summary>
    async Task<IReadOnlyList<string>> VerifyAsync(PgDumpArchive archive, PgDumpPlan.Result plan, string targetCs, ConnectionSpec target,
        CancellationToken ct)
    {
        var differences = new System.Collections.Concurrent.ConcurrentBag<string>();
        var tables = plan.Input.Tables.ToDictionary(t => t.Oid);
        await Parallel.ForEachAsync(plan.Data, new ParallelOptions { MaxDegreeOfParallelism = options.Jobs, CancellationToken = ct },
            async (pair, token) =>
            {
                var table = tables[pair.Key];
                var inFile = await PgDumpRows.CountAsync(archive, pair.Value, token);
                await using var session = await PgSession.OpenAsync(targetCs, Side.Target, target.ToString(), token);
                var onTarget = await PgSession.ScalarAsync<long>(session, $"SELECT count(*) FROM ONLY {table.QualifiedName}", token);
                if (inFile != onTarget) differences.Add($"{table.DisplayName}: {inFile} rows in {Path.GetFileName(archive.DataFile(pair.Value))}, {onTarget} on the target");
            });
        return differences.Order(StringComparer.Ordinal).ToList();
    }
}
