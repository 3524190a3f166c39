using System.Diagnostics;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;

namespace PgMove.Verify;

/// <summary>
/// <c>pgmove verify</c>: compares the schemas of two databases, then every table's row count and content checksum
/// (computed by the servers, tables and block ranges in parallel), then locates the differing rows of tables that
/// have a key. Each side is read inside one snapshot; the source's can be supplied by the caller
/// (<see cref="VerifyOptions.SourceSnapshot"/>). Never writes to either side.
/// </summary>
public sealed class VerifyRunner(VerifyOptions options, IProgressSink sink)
{
    const int MinimumVersion = 110000; // hashtextextended

    public async Task<VerifyReport> RunAsync(CancellationToken ct)
    {
        if (options.Jobs < 1) throw new PgMoveException(ExitCode.Usage, "--jobs must be at least 1");
        if (options.MaxRows < 0) throw new PgMoveException(ExitCode.Usage, "--max-rows must not be negative");
        var clock = Stopwatch.StartNew();
        var target = options.Target.HasExplicitDatabase ? options.Target : options.Target.WithDatabase(options.Source.Database);
        var sourceCs = ConnectionString(options.Source, options.Jobs);
        var targetCs = ConnectionString(target, options.Jobs);

        await using var source = await SideSnapshot.OpenAsync(Side.Source, options.Source, sourceCs, options.SourceSnapshot, ct);
        await using var targetSide = await SideSnapshot.OpenAsync(Side.Target, target, targetCs, options.TargetSnapshot, ct);
        var sourceServer = await ServerAsync(source, ct);
        var targetServer = await ServerAsync(targetSide, ct);
        var (sourceVersion, targetVersion) = (sourceServer.VersionNum, targetServer.VersionNum);
        if (sourceServer.ClusterKey == targetServer.ClusterKey && target.Database == options.Source.Database)
            sink.Report(new Notice("the target is the source itself: the comparison can only find them equal", IsWarning: true));
        var selection = await Filters.SelectionReader.ReadAsync(source.Connection, options.Filters, options.Source.Database, ct);
        await CheckReadableAsync(source, selection, ct);
        await CheckReadableAsync(targetSide, selection, ct);
        sink.Report(new Notice($"verify {options.Source} -> {target}, source snapshot {source.Id}"));

        if (!selection.IsEverything)
            sink.Report(new Notice($"filters {options.Filters.Describe()}: {selection.Summary}; only the selected relations are compared"));
        var schema = await SchemaComparer.CompareAsync(source.Connection, sourceVersion, targetSide.Connection, targetVersion, options.Acl,
            options.IgnoredDatabaseSettings, ct, SelectionScope.SchemaEntries(selection));
        if (!options.CompareSequenceValues) schema = schema.Where(d => d.Kind != "sequence value").ToList();
        sink.Report(new Notice($"schema: {schema.Count} difference(s)"));

        var sourceTables = (await VerifyTableCatalog.ReadAsync(source.Connection, ct))
            .Select(t => selection.RowsOf(t.Schema, t.Name) is var rows && rows.Copied ? t with { Where = rows.Where } : null).OfType<Catalog.VerifyTable>().ToList();
        var compared = sourceTables.Select(t => (t.Schema, t.Name)).ToHashSet();
        var targetTables = (await VerifyTableCatalog.ReadAsync(targetSide.Connection, ct))
            .Where(t => selection.IsEverything || compared.Contains((t.Schema, t.Name))).ToList();
        await source.LockAsync(sourceTables, ct);
        await targetSide.LockAsync(targetTables, ct);
        var checks = TableCheck.Pair(sourceTables, targetTables);
        await using (var sessions = new SessionPool(source, targetSide, options.Jobs))
        {
            var parts = checks.SelectMany(c => c.Parts(options.PartPages, sourceVersion >= 140000, targetVersion >= 140000, options.CountsOnly))
                .OrderByDescending(p => p.Pages).ToList();
            sink.Report(new Notice($"data: {checks.Count} tables, {parts.Count} checksum queries, {options.Jobs} sessions per side"));
            var progress = new PartProgress(parts.Count, sink);
            await sessions.RunPerSideAsync(parts, p => p.Side, async (session, part, token) =>
            {
                await part.RunAsync(session, token);
                progress.Done();
            }, ct);

            var differing = checks.Where(c => c.ChecksumsDiffer).ToList();
            foreach (var c in differing)
                sink.Report(new Notice($"{c.DisplayName}: checksums differ{(c.NeedsLocation ? ", locating rows" : "")}", IsWarning: true));
            await sessions.RunPairedAsync(differing.Where(c => c.NeedsLocation && options.MaxRows > 0),
                (pair, check, token) => check.LocateAsync(pair, options.MaxRows, options.LeafRows, token), ct);
        }

        var verdicts = checks.Select(c => c.Verdict()).OrderBy(v => v.Table, StringComparer.Ordinal).ToList();
        return new VerifyReport(options.Source.ToString(), target.ToString(), source.Id, clock.Elapsed, schema, verdicts);
    }

    /// <summary>
    /// The connection string of verify's sessions on one side (a pool of <paramref name="jobs"/> + 2). A caller that
    /// will fence the source first (the cutover) opens and returns that many sessions beforehand, so that verify
    /// finds them in the pool when new connections are no longer admitted.
    /// </summary>
    internal static string ConnectionString(ConnectionSpec spec, int jobs) =>
        // Idle pooled sessions live an hour (Npgsql's default is 5 minutes), so that the cutover's prewarmed ones
        // outlast a slow before-fence hook.
        new Npgsql.NpgsqlConnectionStringBuilder(spec.ToNpgsql("pgmove-verify", VerifySessionSettings.Both, jobs + 2)) { ConnectionIdleLifetime = 3600 }.ConnectionString;

    static async Task CheckReadableAsync(SideSnapshot side, Filters.Selection selection, CancellationToken ct)
    {
        var unreadable = await ObjectCatalog.ReadUnreadableAsync(side.Connection, selection, ct);
        if (unreadable.Count > 0)
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"{side.Side.ToString().ToLowerInvariant()} {side.Display}: user may not SELECT from: {string.Join(", ", unreadable)}");
    }

    static async Task<ServerInfo> ServerAsync(SideSnapshot side, CancellationToken ct)
    {
        var server = await ServerCatalog.ReadAsync(side.Connection, ct);
        var version = server.VersionNum;
        if (version < MinimumVersion)
            throw new PgMoveException(ExitCode.Incompatible,
                $"{side.Side.ToString().ToLowerInvariant()} {side.Display}: verify needs PostgreSQL 11 or later (server_version_num {version})");
        return server;
    }

    /// <summary>A progress line at most every few seconds while checksums run.</summary>
    sealed class PartProgress(int total, IProgressSink sink)
    {
        readonly Stopwatch _sinceReport = Stopwatch.StartNew();
        int _done;

        public void Done()
        {
            var done = Interlocked.Increment(ref _done);
            lock (_sinceReport)
            {
                if (_sinceReport.Elapsed < TimeSpan.FromSeconds(5) || done == total) return;
                _sinceReport.Restart();
            }
            sink.Report(new Notice($"data: {done}/{total} checksum queries done"));
        }
    }
}
