using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Schema;

/// <summary>
/// The source's schema as a pg_dump custom-format archive holding the pre-data and post-data sections
/// (the data section is pgmove's own COPY), restored into the target one section at a time.
/// </summary>
public sealed class SchemaArchive(PgToolset tools, string path)
{
    /// <summary>Which pg_dump makes it, for the log: name, version and directory.</summary>
    public string ToolDescription =>
        $"{System.IO.Path.GetFileName(tools.PgDump)} {tools.Version.Split(' ').ElementAtOrDefault(2)} from {System.IO.Path.GetDirectoryName(tools.PgDump)}";

    /// <summary>psql of the same installation as pg_dump (it runs the hooks).</summary>
    public string Psql => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(tools.PgDump)!, "psql");

    /// <summary>Where the archive lives (in the state directory).</summary>
    public string Path { get; } = path;

    /// <summary>
    /// The filters as pg_dump arguments (Filters.PgDumpFilterArguments); none by default. Only the whole dump or piece 0
    /// gets them: the tables' pieces name exactly the selected tables (pg_dump ignores --schema beside --table).
    /// </summary>
    public IReadOnlyList<string> DumpFilters { get; init; } = [];

    Task? _dump;
    bool _used;

    /// <summary>How the dump is cut (see <see cref="DumpPieces"/>); set before the dump starts.</summary>
    public DumpPieces Pieces { get; set; } = DumpPieces.Whole;

    /// <summary>
    /// Starts the dump of the source's schema as of <paramref name="snapshot"/> without waiting for it: it needs
    /// nothing but the snapshot, so it runs while the catalog is read and the target is prepared. A dump in pieces runs
    /// them one after the other, so that the locks held at one moment stay those of one piece.
    /// </summary>
    public void StartDump(ConnectionSpec source, string snapshot, CancellationToken ct)
    {
        lock (_signalsLock)
        {
            if (_dump is not null) return;
            _dumped = Enumerable.Range(0, Pieces.Selections.Count)
                .Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            _dump = DumpPiecesAsync(source, snapshot, ct);
        }
    }

    TaskCompletionSource[]? _dumped;

    /// <summary>
    /// Completes when piece <paramref name="piece"/> of a dump started by this run is written (fails with it), so that
    /// its restore need not wait for the other pieces; at once when no dump was started here (an archive's restore,
    /// whose files are complete).
    /// </summary>
    Task PieceDumpedAsync(int piece, CancellationToken ct)
    {
        lock (_signalsLock)
            return _dumped is null ? Task.CompletedTask : _dumped[piece].Task.WaitAsync(ct);
    }

    // Piece 0 locks no table: it runs beside the tables' pieces, which run one after the other.
    Task DumpPiecesAsync(ConnectionSpec source, string snapshot, CancellationToken ct) =>
        Task.WhenAll(DumpPieceAsync(source, snapshot, 0, ct), DumpTablePiecesAsync(source, snapshot, ct));

    async Task DumpTablePiecesAsync(ConnectionSpec source, string snapshot, CancellationToken ct)
    {
        for (var i = 1; i < Pieces.Selections.Count; i++) await DumpPieceAsync(source, snapshot, i, ct);
    }

    async Task DumpPieceAsync(ConnectionSpec source, string snapshot, int piece, CancellationToken ct)
    {
        try
        {
            await ToolRunner.RunAsync(tools.PgDump,
            [
                "--format=custom", "--section=pre-data", "--section=post-data", "--no-sync",
                $"--snapshot={snapshot}", $"--file={DumpPieces.FileOf(Path, piece)}", $"--dbname={source.ToLibpqConnInfo()}",
                .. Pieces.Selections[piece], .. piece == 0 ? DumpFilters : [],
            ], source, NoEnv, Pieces.IsSplit ? $"pg_dump of the source schema (piece {piece + 1} of {Pieces.Selections.Count})" : "pg_dump of the source schema", ct);
            _dumped![piece].TrySetResult();
        }
        catch (Exception e)
        {
            // The pieces not dumped yet fail too: a restore waiting for them stops with the dump's error.
            foreach (var signal in _dumped![piece..]) signal.TrySetException(e);
            throw;
        }
    }

    /// <summary>Dumps the source's schema as of <paramref name="snapshot"/>, or waits for the dump already started.</summary>
    public Task DumpAsync(ConnectionSpec source, string snapshot, CancellationToken ct)
    {
        StartDump(source, snapshot, ct);
        _used = true;
        return _dump!.WaitAsync(ct);
    }

    /// <summary>
    /// Waits for a started dump to end, its outcome ignored (a failure of the dump was reported by the plan that used
    /// it; a run that stopped before using it is failing for another reason), and deletes the file of a dump the run
    /// did not use. Called after the dump's token is cancelled, so that no pg_dump outlives the run.
    /// </summary>
    public async Task SettleDumpAsync()
    {
        if (_dump is null) return;
        try
        {
            await _dump;
        }
        catch (Exception e) when (e is PgMoveException or OperationCanceledException)
        {
        }
        if (!_used) foreach (var file in Files(Path)) File.Delete(file);
    }

    /// <summary>The archive files of a dump at <paramref name="path"/>, piece 0 first.</summary>
    static IEnumerable<string> Files(string path)
    {
        for (var i = 0; File.Exists(DumpPieces.FileOf(path, i)); i++) yield return DumpPieces.FileOf(path, i);
    }

    /// <summary>
    /// Restores one section into the target; <paramref name="jobs"/> &gt; 1 runs entries in parallel. With
    /// <paramref name="skip"/>, the archive entries whose (catalog, OID) it holds are left out: pgmove built them.
    /// </summary>
    /// <remarks>
    /// With again (a resume redoing a section an interrupted run may have partly restored), entries that already exist
    /// are let fail and the restore goes on; it fails only when an error is not an "already exists" one.
    /// A dump in pieces restores pre-data as: piece 0 without what depends on tables, the tables' pieces, then the rest
    /// of piece 0 (those dependents, and comments and privileges, which pg_restore restores last anyway);
    /// <paramref name="part"/> runs the first two or the last only, so that rows can load in between; post-data as:
    /// the tables' pieces (their indexes, keys, triggers…), then piece 0's (materialized view data, event triggers…), then
    /// what no piece has (<see cref="DumpPieces.Extras"/>).
    /// </remarks>
    public async Task RestoreAsync(ConnectionSpec target, string section, int jobs, RestoreOptions options,
        IReadOnlySet<(uint Catalog, uint Oid)>? skip, CancellationToken ct, bool again = false, PreDataPart part = PreDataPart.All,
        bool leaveOutLargeObjects = false)
    {
        var skipped = skip ?? new HashSet<(uint, uint)>();
        // The large objects' entries (in piece 0), when pgmove creates them itself in batches (LargeObjectCopyItem, then
        // LargeObjectExtrasItem): pg_restore makes each one and sets its owner in statements of their own, one commit each
        // (100,000 objects: 18 s of a 21 s copy).
        bool Keep(ListEntry e) => !skipped.Contains(e.Id) && !(leaveOutLargeObjects && e.LargeObject);
        if (!Pieces.IsSplit)
        {
            await PieceDumpedAsync(0, ct);
            await RestorePieceAsync(target, section, jobs, options, 0, skipped.Count > 0 || leaveOutLargeObjects ? Keep : null, again, ct);
            return;
        }
        var deferred = Pieces.Deferred;
        // Default privileges too ("DEFAULT ACL"), as in one archive: set before the tables exist, they would add grants
        // the tables' own ACL entries do not take back.
        bool Later((uint, uint) id, string desc) =>
            deferred.Contains(id) || desc == "DEFAULT ACL" || id == (0, 0) && desc is "COMMENT" or "ACL" or "SECURITY LABEL";
        if (section == "pre-data" && part != PreDataPart.Rest)
        {
            try
            {
                await PieceDumpedAsync(0, ct);
                await RestorePieceAsync(target, section, jobs, options, 0, e => Keep(e) && !Later(e.Id, e.Desc), again, ct);
                await RestoreTablePiecesAsync(target, section, jobs, options, skipped, again, ct);
            }
            catch (Exception e)
            {
                foreach (var signal in Signals()) signal.TrySetException(e);
                foreach (var table in Pieces.PieceOfTable.Keys) TableSignal(table).TrySetException(e);
                throw;
            }
        }
        else if (section != "pre-data") await RestoreTablePiecesAsync(target, section, jobs, options, skipped, again, ct);
        if (part == PreDataPart.Tables) return;
        await RestorePieceAsync(target, section, jobs, options, 0, section == "pre-data" ? e => Keep(e) && Later(e.Id, e.Desc) : Keep, again, ct);
        if (section == "post-data") await Pieces.Extras.RunAsync(target, options.NoOwner, again, ct);
    }

    // The tables' pieces do not depend on each other (a tree is never cut): their pre-data, which pg_restore runs on
    // one session whatever --jobs says, goes on --index-jobs sessions side by side, each piece in runs whose tables
    // are announced as each run ends (TablesRestoredAsync), and the piece when all are (PieceRestoredAsync); their
    // post-data one piece at a time, each on its --index-jobs.
    async Task RestoreTablePiecesAsync(ConnectionSpec target, string section, int jobs, RestoreOptions options,
        IReadOnlySet<(uint Catalog, uint Oid)> skip, bool again, CancellationToken ct)
    {
        var preData = section == "pre-data";
        await Parallel.ForEachAsync(Enumerable.Range(1, Pieces.Selections.Count - 1),
            new ParallelOptions { MaxDegreeOfParallelism = preData ? Math.Max(1, options.PiecesAtOnce) : 1, CancellationToken = ct },
            async (i, token) =>
            {
                await PieceDumpedAsync(i, token);
                if (!preData)
                {
                    await RestorePieceAsync(target, section, jobs, options, i, e => !skip.Contains(e.Id), again, token);
                    return;
                }
                await RestorePreDataInRunsAsync(target, options, i, e => !skip.Contains(e.Id), again, token);
                foreach (var (table, piece) in Pieces.PieceOfTable)
                    if (piece == i) TableSignal(table).TrySetResult();
                Signals()[i].TrySetResult();
            });
    }

    /// <summary>
    /// The pre-data of tables' piece <paramref name="piece"/> in consecutive runs of its list (<see cref="PreDataSegments"/>),
    /// each run's tables announced when it ends. A piece that attaches partitions is restored whole: a partition loaded
    /// before its ATTACH would be scanned again to check its bounds.
    /// </summary>
    async Task RestorePreDataInRunsAsync(ConnectionSpec target, RestoreOptions options, int piece, Func<ListEntry, bool> keep,
        bool again, CancellationToken ct)
    {
        const uint pgClass = 1259;
        var file = DumpPieces.FileOf(Path, piece);
        var lines = (await ListAsync(target, file, ct)).Split('\n');
        var entries = lines.Select(Parse).ToArray();
        var tables = Pieces.PieceOfTable.Where(p => p.Value == piece).Select(p => p.Key).ToHashSet();
        var creates = entries.Select(e => e is { } x && keep(x) && x.Id.Catalog == pgClass && tables.Contains(x.Id.Oid) ? x.Id.Oid : (uint?)null).ToList();
        var segments = entries.Any(e => e is { Id: (0, 0), Desc: "TABLE" }) ? [new PreDataSegments.Segment(0, lines.Length, [])] : PreDataSegments.Cut(creates);
        foreach (var (segment, n) in segments.Select((s, n) => (s, n)))
        {
            var list = await WriteListAsync(file, "pre-data", lines, (e, line) => keep(e) && line >= segment.Start && line < segment.End, ct);
            var what = $"pg_restore of the pre-data section (piece {piece + 1}{(segments.Count > 1 ? $", run {n + 1} of {segments.Count}" : "")})";
            await RunRestoreAsync(target, "pre-data", 1, options, file, list, again, what, ct);
            foreach (var table in segment.Tables) TableSignal(table).TrySetResult();
        }
    }

    readonly System.Collections.Concurrent.ConcurrentDictionary<uint, TaskCompletionSource> _tableSignals = new();

    TaskCompletionSource TableSignal(uint table) =>
        _tableSignals.GetOrAdd(table, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>
    /// Completes when the pre-data of <paramref name="tables"/> (tables of the dump's pieces) is restored: they exist on
    /// the target, possibly before the rest of their piece; fails when the restore of the tables' pieces fails.
    /// </summary>
    /// <param name="tables">The tables' OIDs on the source.</param>
    /// <param name="ct">Stops the wait.</param>
    public Task TablesRestoredAsync(IEnumerable<uint> tables, CancellationToken ct) =>
        Task.WhenAll(tables.Select(t => TableSignal(t).Task)).WaitAsync(ct);

    readonly Lock _signalsLock = new();
    TaskCompletionSource[]? _signals;

    TaskCompletionSource[] Signals()
    {
        lock (_signalsLock)
            return _signals ??= Enumerable.Range(0, Pieces.Selections.Count)
                .Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
    }

    /// <summary>
    /// Completes when the pre-data of table piece <paramref name="piece"/> is restored (its tables exist on the target);
    /// fails when the restore of the tables' pieces fails.
    /// </summary>
    /// <param name="piece">The piece, 1 and up.</param>
    /// <param name="ct">Stops the wait.</param>
    public Task PieceRestoredAsync(int piece, CancellationToken ct) => Signals()[piece].Task.WaitAsync(ct);

    async Task RestorePieceAsync(ConnectionSpec target, string section, int jobs, RestoreOptions options, int piece,
        Func<ListEntry, bool>? keep, bool again, CancellationToken ct)
    {
        var file = DumpPieces.FileOf(Path, piece);
        var list = keep is null ? null
            : await WriteListAsync(file, section, (await ListAsync(target, file, ct)).Split('\n'), (e, _) => keep(e), ct);
        var what = Pieces.IsSplit ? $"pg_restore of the {section} section (piece {piece + 1})" : $"pg_restore of the {section} section";
        await RunRestoreAsync(target, section, jobs, options, file, list, again, what, ct);
    }

    /// <summary>pg_restore of one section of <paramref name="file"/> into the target, of the entries <paramref name="list"/> keeps.</summary>
    Task RunRestoreAsync(ConnectionSpec target, string section, int jobs, RestoreOptions options, string file, string? list,
        bool again, string what, CancellationToken ct)
    {
        var args = new List<string> { $"--section={section}", $"--dbname={target.ToLibpqConnInfo()}" };
        if (!again) args.Add("--exit-on-error");
        if (jobs > 1) args.Add($"--jobs={jobs}");
        if (list is not null) args.Add($"--use-list={list}");
        if (options.NoOwner) args.Add("--no-owner");
        if (options.NoAcl) args.Add("--no-acl");
        if (options.NoTablespaces) args.Add("--no-tablespaces");
        args.Add(file);
        var env = new Dictionary<string, string> { ["PGOPTIONS"] = options.ServerOptions };
        return ToolRunner.RunAsync(tools.PgRestore, args, target, env, what, ct, again ? OnlyAlreadyExists : null);
    }

    /// <summary>
    /// The comments, privileges and security labels of the large objects (pg_restore of those entries of piece 0 only),
    /// once pgmove has created the objects itself; nothing when the archive has none.
    /// </summary>
    /// <param name="target">The target database.</param>
    /// <param name="options">pg_restore's options.</param>
    /// <param name="ct">Stops pg_restore.</param>
    public async Task RestoreLargeObjectExtrasAsync(ConnectionSpec target, RestoreOptions options, CancellationToken ct)
    {
        var file = DumpPieces.FileOf(Path, 0);
        var lines = (await ListAsync(target, file, ct)).Split('\n');
        if (!lines.Any(line => Parse(line) is { LargeObjectExtra: true })) return;
        var list = await WriteListAsync(file, "large-objects", lines, (e, _) => e.LargeObjectExtra, ct);
        var args = new List<string> { "--exit-on-error", $"--use-list={list}", $"--dbname={target.ToLibpqConnInfo()}" };
        if (options.NoOwner) args.Add("--no-owner");
        if (options.NoAcl) args.Add("--no-acl");
        args.Add(file);
        await ToolRunner.RunAsync(tools.PgRestore, args, target, new Dictionary<string, string> { ["PGOPTIONS"] = options.ServerOptions },
            "pg_restore of the large objects' comments and privileges", ct);
    }

    /// <summary>Every error pg_restore reported says the object is already there (made by the interrupted run).</summary>
    static bool OnlyAlreadyExists(string stderr)
    {
        var errors = stderr.Split('\n').Where(l => l.Contains("ERROR:", StringComparison.Ordinal)).ToList();
        return errors.Count > 0 && errors.All(l => l.Contains(" already exists", StringComparison.Ordinal)
                                                   || l.Contains("multiple primary keys", StringComparison.Ordinal));
    }

    /// <summary>
    /// The SQL the archive would run, without its header (which names the dump's time and versions): two archives
    /// with the same text describe the same schema, large object list and privileges.
    /// </summary>
    public async Task<string> SchemaTextAsync(ConnectionSpec connection, CancellationToken ct)
    {
        var texts = new List<string>();
        foreach (var file in Files(Path))
            texts.Add(await ToolRunner.RunAsync(tools.PgRestore, ["--file=-", file], connection, NoEnv, "pg_restore of the schema archive", ct));
        // The header names the dump's versions; \restrict and \unrestrict carry a key drawn for each run.
        return string.Join('\n', string.Join('\n', texts).Split('\n').Where(l => !l.StartsWith("-- Dumped ", StringComparison.Ordinal)
                                                           && !l.StartsWith("\\restrict ", StringComparison.Ordinal)
                                                           && !l.StartsWith("\\unrestrict ", StringComparison.Ordinal)));
    }

    /// <summary>
    /// One line of pg_restore --list: its (catalog OID, object OID), its type (TABLE, VIEW, ACL…), and whether it makes
    /// or describes a large object (BLOB, BLOB METADATA, or the COMMENT, ACL or SECURITY LABEL of a LARGE OBJECT).
    /// </summary>
    readonly record struct ListEntry((uint Catalog, uint Oid) Id, string Desc, bool LargeObject = false)
    {
        /// <summary>The COMMENT, ACL or SECURITY LABEL of a large object (restored after the objects exist).</summary>
        public bool LargeObjectExtra => LargeObject && Desc is not "BLOB";
    }

    /// <summary>The archive's table of contents (pg_restore --list), one entry per line.</summary>
    Task<string> ListAsync(ConnectionSpec target, string archive, CancellationToken ct) =>
        ToolRunner.RunAsync(tools.PgRestore, ["--list", archive], target, NoEnv, "pg_restore --list", ct);

    // pg_restore -l prints one entry per line: "dumpId; catalogOid objectOid DESC schema name owner".
    // Entries not kept (given each entry and its line number) are commented out with ';', which pg_restore -L skips.
    static async Task<string> WriteListAsync(string archive, string section, IReadOnlyList<string> listing, Func<ListEntry, int, bool> keep,
        CancellationToken ct)
    {
        var lines = listing.Select((line, i) => Parse(line) is { } entry && !keep(entry, i) ? ";" + line : line);
        var file = archive + $".{section}.{Guid.NewGuid():N}.list";
        await File.WriteAllLinesAsync(file, lines, ct);
        return file;
    }

    static ListEntry? Parse(string line)
    {
        var semicolon = line.IndexOf(';');
        if (semicolon <= 0 || line.StartsWith(';')) return null;
        var fields = line[(semicolon + 1)..].TrimStart().Split(' ', 4);
        if (fields.Length < 3 || !uint.TryParse(fields[0], out var catalog) || !uint.TryParse(fields[1], out var oid)) return null;
        // DESC may be two words ("MATERIALIZED VIEW", "SECURITY LABEL", "DEFAULT ACL"): the two-word ones told apart here.
        var desc = (fields[2], fields.Length > 3 ? fields[3] : "") switch
        {
            ("SECURITY", var next) when next.StartsWith("LABEL ", StringComparison.Ordinal) => "SECURITY LABEL",
            ("DEFAULT", var next) when next.StartsWith("ACL ", StringComparison.Ordinal) => "DEFAULT ACL",
            ("BLOB", var next) when next.StartsWith("METADATA ", StringComparison.Ordinal) => "BLOB",
            _ => fields[2],
        };
        // Then "schema tag owner" (after "LABEL " for a security label); a large object's tag is "LARGE OBJECT n"
        // ("LARGE OBJECTS n..m" from pg_dump 17, whose BLOB METADATA entries group them).
        var rest = fields.Length > 3 ? fields[3] : "";
        var tag = desc == "SECURITY LABEL" ? rest[(rest.IndexOf(' ') + 1)..] : rest;
        var largeObject = desc == "BLOB" || (desc is "COMMENT" or "ACL" or "SECURITY LABEL" && tag.StartsWith("- LARGE OBJECT", StringComparison.Ordinal));
        return new ListEntry((catalog, oid), desc, largeObject);
    }

    static readonly IReadOnlyDictionary<string, string> NoEnv = new Dictionary<string, string>();
}
