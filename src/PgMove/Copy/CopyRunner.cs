using System.Diagnostics;
using Npgsql;
using PgMove.Analyze;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Data;
using PgMove.Errors;
using PgMove.Filters;
using PgMove.Globals;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Reporting;
using PgMove.Resume;
using PgMove.Schema;
using PgMove.Sequences;
using PgMove.Target;

namespace PgMove.Copy;

/// <summary>
/// <c>pgmove copy</c>: checks everything that can be checked before touching the target, then creates the target
/// database if needed, exports one snapshot on the source and runs the plan: schema dump → pre-data → table data,
/// large objects and sequences in parallel → post-data (indexes, constraints, triggers…) → ANALYZE.
/// </summary>
public sealed class CopyRunner(CopyOptions options, IProgressSink sink)
{
    readonly NoticeCollector _sink = new(sink);
    CopyRunRecord? _record;
    CopyRunRecord Record => _record ??= new CopyRunRecord(options, _sink);

    public async Task<CopySummary> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (target, sourceCs, targetCs) = ConnectionStrings();
        var resume = options.Resume ? ResumeSession.Open(options.StateDirectory) : null;
        if (resume?.Manifest.Finished is not null)
            return NothingToDo(target, resume.Manifest);
        await using var holderConnection = await PgSession.OpenAsync(sourceCs, Side.Source, options.Source.ToString(), ct);
        var (sourceServer, targetServer, targetExists, tools) = await CheckServersAsync(holderConnection, target, ct);
        if (resume is not null)
        {
            resume.CheckSameRun(CopyRunRecord.Identity(sourceServer, options.Source), CopyRunRecord.Identity(targetServer, target), RunFingerprint.Of(options));
            await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
            await resume.CheckTargetAsync(maintenance, target.Database, ct);
        }

        // Read before the snapshot: a write committed after it then always shows as a change to a resume.
        var statistics = resume is null ? await SourceStatistics.ReadAsync(holderConnection, ct) : null;
        await using var snapshot = options.ExternalSnapshot is { } external
            ? await SnapshotHolder.ImportAsync(holderConnection, external, ct)
            : await SnapshotHolder.ExportAsync(holderConnection, ct);
        // The filters' selection, resolved before the dump: pg_dump gets the same selection as arguments.
        var selection = await SelectionReader.ReadAsync(holderConnection, options.Filters, options.Source.Database, ct);
        Directory.CreateDirectory(options.StateDirectory);
        var archive = new SchemaArchive(tools, Path.Combine(options.StateDirectory, resume is null ? "schema.dump" : "schema.resume.dump"))
        { DumpFilters = PgDumpFilterArguments.Of(selection) };
        // The schema dump needs only the snapshot: it runs while the catalog is read and the target is prepared.
        using var dumpStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var budget = await LockBudget.ReadAsync(holderConnection, ct);
        archive.Pieces = await DumpPieces.PlanTablesAsync(holderConnection, budget, ct, selection);
        if (archive.Pieces.IsSplit)
            _sink.Report(new Notice(archive.Pieces.Describe(budget)));
        archive.StartDump(options.Source, snapshot.Id, dumpStop.Token);
        // Once the dump runs, the catalog reads go on three sessions of the snapshot: what depends on the split tables
        // (only the restore needs it) and the indexes beside the holder's reads.
        var display = options.Source.ToString();
        using var besideStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var beside = new BesideReads(
            archive.Pieces.IsSplit ? snapshot.ReadBesideAsync(sourceCs, display, async (c, t) => { await archive.Pieces.ReadDependentsAsync(c, t); return true; }, besideStop.Token)
                : Task.FromResult(true),
            snapshot.ReadBesideAsync(sourceCs, display, IndexCatalog.ReadAsync, besideStop.Token));
        try
        {
            var pair = new Pair(holderConnection, sourceServer, target, targetServer, targetExists, sourceCs, targetCs)
            {
                Resume = resume, Statistics = statistics, Budget = budget, FirstArchive = new SchemaArchive(tools, Path.Combine(options.StateDirectory, "schema.dump")),
                Selection = selection, Beside = beside,
            };
            return await CopyInSnapshotAsync(pair, snapshot, archive, clock, ct);
        }
        finally
        {
            await dumpStop.CancelAsync(); // a no-op once the dump has ended
            await archive.SettleDumpAsync();
            // A run that failed before using the side reads stops them, and waits for their sessions to close before the
            // snapshot's ends; their outcome is that of the run (its error was reported).
            await besideStop.CancelAsync();
            await Task.WhenAll(beside.Dependents, beside.Indexes).ContinueWith(_ => { }, CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// <c>copy --dry-run</c>: the checks a copy makes before changing anything, then the plan it would run, read in
    /// read-only transactions on both sides. Creates nothing, drops nothing, exports no snapshot, writes no file.
    /// </summary>
    public async Task<CopyPreview> PreviewAsync(CancellationToken ct)
    {
        var (target, sourceCs, targetCs) = ConnectionStrings();
        await using var connection = await PgSession.OpenAsync(sourceCs, Side.Source, options.Source.ToString(), ct);
        var (sourceServer, targetServer, targetExists, tools) = await CheckServersAsync(connection, target, ct);
        await PgSession.ExecuteAsync(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", ct);
        var source = await ReadSourceAsync(connection, sourceServer,
            await SelectionReader.ReadAsync(connection, options.Filters, options.Source.Database, ct), ct);
        CleanPlan? clean = null;
        var database = $"\"{target.Database}\" would be created (encoding {source.Database.Encoding}, collate {source.Database.Collate}, " +
                       $"ctype {source.Database.Ctype}{(source.Database.Locale is null ? "" : $", locale {source.Database.Locale}")}, owner {source.Database.Owner} if it exists there)";
        if (targetExists)
        {
            await using var targetConnection = await PgSession.OpenAsync(targetCs, Side.Target, target.ToString(), ct);
            await PgSession.ExecuteAsync(targetConnection, "BEGIN READ ONLY", ct);
            clean = await CheckExistingTargetAsync(connection, targetConnection, target, source, targetServer, ct);
            database = clean is null ? $"\"{target.Database}\" exists and is empty: used as it is"
                : $"\"{target.Database}\" exists and is not empty: --clean drops {clean.Objects.Count} object(s) first, all of which the source has";
        }
        var parallel = Math.Max(options.Jobs, options.IndexJobs);
        var notes = new List<string>();
        if (options.Globals.Roles) notes.Add("--roles: the roles the database needs are created first (pgmove roles --dry-run lists them)");
        if (options.TuneTarget) notes.Add("--tune-target: max_wal_size and checkpoint_timeout are raised on the target for the run, and put back");
        if (options.Verify) notes.Add("--verify: pgmove verify runs after the copy");
        if (!source.Selection.IsEverything) notes.Add($"filters {options.Filters.Describe()}: {source.Selection.Summary}");
        return new CopyPreview(options.Source.ToString(), target.ToString(), sourceServer.Version, targetServer.Version,
            new SchemaArchive(tools, "").ToolDescription, database, clean, parallel + 5, parallel + 4 + options.IndexJobs + 2,
            options.Jobs, options.IndexJobs, CopyPreview.Steps(CopyPlan.Build(PlanInput(source))), notes);
    }

    (ConnectionSpec Target, string SourceCs, string TargetCs) ConnectionStrings()
    {
        var target = options.Target.HasExplicitDatabase ? options.Target : options.Target.WithDatabase(options.Source.Database);
        var poolSize = Math.Max(options.Jobs, options.IndexJobs) + 4;
        return (target, options.Source.ToNpgsql("pgmove", SessionSettings.Source, poolSize, TableLoader.SocketBufferBytes),
            target.ToNpgsql("pgmove", SessionSettings.Target, poolSize, TableLoader.SocketBufferBytes));
    }

    /// <summary>Everything checked before anything changes: the servers pair, pg_dump exists, the database can be created.</summary>
    async Task<(ServerInfo Source, ServerInfo Target, bool TargetExists, PgToolset Tools)> CheckServersAsync(
        NpgsqlConnection sourceConnection, ConnectionSpec target, CancellationToken ct)
    {
        var sourceServer = await ServerCatalog.ReadAsync(sourceConnection, ct);
        ServerInfo targetServer;
        bool targetExists;
        await using (var maintenance = await MaintenanceSession.OpenAsync(target, ct))
        {
            targetServer = await ServerCatalog.ReadAsync(maintenance, ct);
            CheckPairing(sourceServer, targetServer, target);
            targetExists = await DatabaseCatalog.ExistsAsync(maintenance, target.Database, ct);
        }
        var tools = PgToolset.Locate(sourceServer.Major, options.PgBin);
        options.Hooks.CheckRunner(new SchemaArchive(tools, "").Psql);
        if (!targetExists && !targetServer.CanCreateDatabase && !targetServer.IsSuperuser)
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"target database \"{target.Database}\" does not exist and user \"{targetServer.CurrentUser}\" may not create it " +
                "(needs CREATEDB); create it first or connect as a user with CREATEDB");
        return (sourceServer, targetServer, targetExists, tools);
    }

    sealed record Pair(NpgsqlConnection SourceConnection, ServerInfo SourceServer, ConnectionSpec Target, ServerInfo TargetServer,
        bool TargetExists, string SourceCs, string TargetCs)
    {
        public ResumeSession? Resume { get; init; }
        public SourceStatistics? Statistics { get; init; }
        public required SchemaArchive FirstArchive { get; init; }
        public required LockBudget Budget { get; init; }
        public required Filters.Selection Selection { get; init; }
        public required BesideReads Beside { get; init; }
    }

    /// <summary>Catalog reads started on sessions of their own beside the snapshot holder's.</summary>
    sealed record BesideReads(Task Dependents, Task<(IReadOnlyList<IndexInfo> Indexes, IReadOnlyList<ConstraintInfo> ForeignKeys)> Indexes);

    async Task<CopySummary> CopyInSnapshotAsync(Pair pair, SnapshotHolder snapshot, SchemaArchive archive, Stopwatch clock,
        CancellationToken ct)
    {
        var target = pair.Target;
        var source = await ReadSourceAsync(pair.SourceConnection, pair.SourceServer, pair.Selection, ct, pair.Beside.Indexes);
        await pair.Beside.Dependents;
        if (pair.Resume is { } recorded) source = CopyRunRecord.WithRecordedPlan(source, recorded.Manifest);
        // Too many tables to lock at once: each data session locks and checks its own (SnapshotGuard).
        if (pair.Budget.FitsAtOnce(source.Tables.Count)) await snapshot.LockAsync(source.Tables, ct);
        var items = CopyPlan.Build(PlanInput(source) with { Jobs = pair.Resume?.Manifest.PlanJobs ?? options.Jobs, PieceOfTable = archive.Pieces.PieceOfTable });
        ResumeDecision? decision = null;
        if (pair.Resume is { } resume)
            decision = await Record.DecideResumeAsync(resume, pair.SourceCs, pair.TargetExists ? target : null, pair.TargetCs, items,
                archive, pair.FirstArchive, snapshot, ct);
        else Record.RecordNewRun(pair.SourceServer, pair.TargetServer, target, pair.Statistics!, source);
        if (pair.TargetExists && decision is null) await PrepareExistingTargetAsync(pair, source, ct);
        else if (!pair.TargetExists && EncodingRule.Judge(source.Database.Encoding, null) is { Verdict: Preflight.Verdict.Warn } encoding)
            _sink.Report(new Notice($"{encoding.Evidence} ({encoding.Fix})", IsWarning: true));
        // Roles before CREATE DATABASE … OWNER and the pre-data restore; disposing revokes temporary memberships.
        await using var globals = await GlobalsStep.PrepareAsync(options.Globals, options.NoOwner, pair.SourceConnection, target,
            pair.TargetServer, _sink, ct);

        bool created = false, planStarted = false;
        try
        {
            if (!pair.TargetExists)
            {
                await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
                await TargetDatabase.CreateAsync(maintenance, target.Database, source.Database, pair.TargetServer, _sink, ct);
                created = true;
                await TargetDatabase.ApplySettingsAsync(maintenance, target.Database, source.Database.Settings, _sink, ct);
            }
            await Record.RecordPlanStartAsync(target, created, ct);
            planStarted = true;
            await RunPlanAsync(items, decision, pair, snapshot, archive, source, globals.NoTablespaces, ct);
            await globals.CompleteAsync(ct);
            Record.RecordFinished();
            return Summarize(items, target, clock.Elapsed, decision, pair.Resume) with
            {
                SourceVersion = pair.SourceServer.Version, TargetVersion = pair.TargetServer.Version, Items = items,
            };
        }
        catch (Exception e) when (created || planStarted)
        {
            var known = ct.IsCancellationRequested ? new PgMoveException(ExitCode.Interrupted, "interrupted") : ErrorMap.Map(e);
            var again = $"run again with --resume --dir {options.StateDirectory} to go on from where it stopped, or with --clean to start over";
            var state = created
                ? $"target database \"{target.Database}\" was created by this run and holds a partial copy: {again}"
                : $"target database \"{target.Database}\" holds a partial copy: {again}";
            throw new PgMoveException(known.ExitCode, $"{known.Message} ({state})", e);
        }
    }

    /// <summary>Refuses a source user who may not read every selected table and sequence (copy and dump alike).</summary>
    /// <param name="connection">A source session.</param>
    /// <param name="server">The source server, for the user's name.</param>
    /// <param name="selection">What the filters select.</param>
    /// <param name="ct">Cancels the query.</param>
    internal static async Task RequireReadableAsync(NpgsqlConnection connection, ServerInfo server, Filters.Selection selection, CancellationToken ct)
    {
        var unreadable = await ObjectCatalog.ReadUnreadableAsync(connection, selection, ct);
        if (unreadable.Count > 0)
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"source user \"{server.CurrentUser}\" may not SELECT from: {string.Join(", ", unreadable)}");
    }

    /// <summary>What the copy moves, read in the snapshot (<see cref="SourceModel.ReadAsync"/>), with the slices of --split-larger-than.</summary>
    async Task<SourceModel> ReadSourceAsync(NpgsqlConnection connection, ServerInfo server, Filters.Selection selection, CancellationToken ct,
        Task<(IReadOnlyList<IndexInfo>, IReadOnlyList<ConstraintInfo>)>? indexes = null)
    {
        var source = await SourceModel.ReadAsync(connection, server, selection, ct, indexes);
        return source with { Slices = await SliceAsync(connection, source.Tables, server.VersionNum, ct) };
    }

    /// <summary>
    /// Splits the tables over --split-larger-than into up to max(2, jobs) slices. Off by default: measured on the
    /// bench, slices lose COPY FREEZE and contend for the table's extension lock, and a split copy was slower.
    /// </summary>
    async Task<IReadOnlyDictionary<uint, IReadOnlyList<string>>> SliceAsync(NpgsqlConnection connection,
        IReadOnlyList<TableInfo> tables, int versionNum, CancellationToken ct)
    {
        var slices = new Dictionary<uint, IReadOnlyList<string>>();
        if (options.SplitLargerThan is not { } threshold || options.Jobs < 2) return slices;
        foreach (var table in tables.Where(t => t.Bytes > threshold))
        {
            var parts = (int)Math.Min(Math.Max(2, options.Jobs), (table.Bytes + threshold - 1) / Math.Max(threshold, 1));
            var cut = await TableSplitter.SliceAsync(connection, table, parts, versionNum, ct);
            if (cut.Count > 1) slices[table.Oid] = cut.Select(c => c!).ToList();
        }
        return slices;
    }

    void CheckPairing(ServerInfo source, ServerInfo target, ConnectionSpec targetSpec)
    {
        if (source.ClusterKey == target.ClusterKey && targetSpec.Database == options.Source.Database)
            throw new PgMoveException(ExitCode.TargetIsSource,
                $"the target is the source itself (same server, database \"{targetSpec.Database}\"); nothing was changed");
        if (target.Major < source.Major)
            throw new PgMoveException(ExitCode.Incompatible,
                $"the target server ({target.Version}) is older than the source ({source.Version}); " +
                "pgmove copies to the same or a newer major version");
    }

    async Task PrepareExistingTargetAsync(Pair pair, SourceModel source, CancellationToken ct)
    {
        var target = pair.Target;
        await using var connection = await PgSession.OpenAsync(pair.TargetCs, Side.Target, target.ToString(), ct);
        if (await CheckExistingTargetAsync(pair.SourceConnection, connection, target, source, pair.TargetServer, ct) is not { } clean) return;
        // The same rule check --clean reports: every object named, and a refusal when one is the target's own.
        await clean.ExecuteAsync(connection, target.Database, _sink, ct);
    }

    /// <summary>
    /// Refuses a target database whose encoding cannot take the source's rows (EncodingRule). Then: null for an empty
    /// target; for a non-empty one, refuses without --clean, and with it returns what clean drops
    /// (refusing when that is not safe).
    /// </summary>
    async Task<CleanPlan?> CheckExistingTargetAsync(NpgsqlConnection source, NpgsqlConnection target, ConnectionSpec spec,
        SourceModel model, ServerInfo targetServer, CancellationToken ct)
    {
        // check's encoding item asks the same rule: a target copy refuses is a failing item, and the other way round.
        var encoding = EncodingRule.Judge(model.Database.Encoding, (await DatabaseCatalog.ReadCurrentAsync(target, targetServer.VersionNum, ct)).Encoding);
        if (encoding.Verdict == Preflight.Verdict.Fail)
            throw new PgMoveException(ExitCode.Incompatible, $"target database \"{spec.Database}\": {encoding.Evidence}; {encoding.Fix}; nothing was changed");
        if (encoding.Verdict == Preflight.Verdict.Warn) _sink.Report(new Notice($"{encoding.Evidence} ({encoding.Fix})", IsWarning: true));
        var objects = await DatabaseCatalog.ListUserObjectsAsync(target, 5, ct);
        if (objects.Count == 0) return null;
        if (!options.Clean)
            throw new PgMoveException(ExitCode.TargetNotEmpty,
                $"target database \"{spec.Database}\" is not empty ({string.Join(", ", objects)}{(objects.Count == 5 ? ", …" : "")}); " +
                "use --clean to drop the objects the copy would create, or choose an empty database; nothing was changed");
        var clean = await CleanPlan.ReadAsync(source, target, ct);
        return clean.Safe ? clean : throw new PgMoveException(ExitCode.TargetNotEmpty, clean.RefusalMessage(spec.Database));
    }

    CopyPlan.Input PlanInput(SourceModel source) => new(source.Tables, source.LargeObjects, source.Analyzable, source.Indexes,
        source.ForeignKeys, source.Slices, options.Jobs, source.RestoreNeedsBuiltKeys, source.Selection, options.Hooks) { CreatesLargeObjects = true };

    async Task RunPlanAsync(IReadOnlyList<WorkItem> items, ResumeDecision? decision, Pair pair,
        SnapshotHolder snapshot, SchemaArchive archive, SourceModel source, bool noTablespaces, CancellationToken ct)
    {
        var (target, sourceCs, targetCs) = (pair.Target, pair.SourceCs, pair.TargetCs);
        var undoFile = Path.Combine(options.StateDirectory, "tune-target-undo.json");
        TargetTuning tuning;
        await using (var maintenance = await MaintenanceSession.OpenAsync(target, ct))
        {
            // A run killed with its settings applied left their undo behind: put them back before reading them.
            await TargetTuning.UndoLeftoverAsync(maintenance, undoFile, _sink, ct);
            tuning = await TargetTuning.PlanAsync(maintenance, source.Database.SizeBytes, options.Jobs, _sink, ct);
        }
        var memory = $"maintenance_work_mem={tuning.MaintenanceWorkMemBytes >> 10}kB";
        var context = new WorkContext
        {
            Source = options.Source,
            Target = target,
            SourceConnectionString = sourceCs,
            TargetConnectionString = targetCs,
            Snapshot = snapshot,
            Archive = archive,
            RestoreOptions = new RestoreOptions(options.NoOwner, options.NoAcl, $"{SessionSettings.RestoreOptions} -c {memory}") { NoTablespaces = noTablespaces, PiecesAtOnce = options.IndexJobs },
            IndexJobs = options.IndexJobs,
            SortMemory = tuning.SortMemory,
            Sink = _sink,
        };
        var store = new StateStore(options.StateDirectory);
        if (decision is null) store.WritePlan(items);
        else await Record.PrepareResumedTargetAsync(items, decision, pair.SourceConnection, target, pair.TargetCs, ct);
        _sink.Report(new PlanReady(items, options.Jobs, options.StateDirectory));
        if (decision is not null) Record.ReportResume(decision);
        _sink.Report(new Notice($"using {archive.ToolDescription}"));
        try
        {
            if (options.TuneTarget && tuning.HasRecommendations)
            {
                await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
                await tuning.ApplyAsync(maintenance, undoFile, _sink, ct);
            }
            await new Scheduler(options.Jobs, store, _sink) { Gate = options.SharedWorkers }.RunAsync(items, context, ct);
        }
        finally
        {
            await RestoreTuningAsync(tuning, target);
            if (options.TimelinePath is { } timeline)
                _sink.Report(new Notice($"timeline written to {timeline} and {await Timeline.WriteAsync(timeline, items, CancellationToken.None)}"));
        }
    }

    Task RestoreTuningAsync(TargetTuning tuning, ConnectionSpec target) =>
        tuning.PutBackAsync(target, Path.Combine(options.StateDirectory, "tune-target-undo.json"), _sink);

    CopySummary Summarize(IReadOnlyList<WorkItem> items, ConnectionSpec target, TimeSpan elapsed, ResumeDecision? decision,
        ResumeSession? resume)
    {
        var data = items.Where(i => i.Kind == WorkItemKind.TableData).ToList();
        return new CopySummary(
            options.Source.ToString(), target.ToString(), elapsed, CopySummary.PhasesOf(items), data.Sum(i => i.TableCount),
            data.Sum(t => t.Result.Rows), data.Sum(t => t.Result.Bytes),
            (int)items.OfType<SequenceSetItem>().Sum(s => s.Result.Rows),
            items.OfType<LargeObjectCopyItem>().Sum(l => l.Result.Rows),
            options.StateDirectory, _sink.Notices) { Resume = decision is null ? null : ResumeSteps.Summarize(items, decision, resume!.Journal) };
    }

    CopySummary NothingToDo(ConnectionSpec target, RunManifest manifest)
    {
        _sink.Report(new Notice($"--resume: the run recorded in {options.StateDirectory} finished at {manifest.Finished:u}: nothing to do"));
        return new CopySummary(options.Source.ToString(), target.ToString(), TimeSpan.Zero, [], 0, 0, 0, 0, 0, options.StateDirectory, _sink.Notices)
        { Resume = new ResumeSummary(0, 0, 0, [], false, 0, 0, TimeSpan.Zero, NothingToDo: true) };
    }
}
