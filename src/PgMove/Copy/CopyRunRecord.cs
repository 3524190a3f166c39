using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Resume;
using PgMove.Schema;
using PgMove.Target;

namespace PgMove.Copy;

/// <summary>
/// A copy's record of itself in its state directory (the run manifest): written before anything changes on a server,
/// marked when the plan starts and when it finishes; and, for <c>--resume</c>, what the recorded run decides about the
/// new one (which items are done, what the target must first undo).
/// </summary>
internal sealed class CopyRunRecord(CopyOptions options, IProgressSink sink)
{
    RunManifest? _manifest;

    /// <summary>How a server and database are recorded, to tell on resume that they are the same ones.</summary>
    /// <param name="server">The server.</param>
    /// <param name="spec">Its connection.</param>
    public static ServerIdentity Identity(ServerInfo server, ConnectionSpec spec) =>
        new(server.ClusterKey.StartsWith("system ", StringComparison.Ordinal) ? server.ClusterKey.Split(' ')[1] : null, spec.ToString(), spec.Database);

    /// <summary>A resume plans with the sizes and slices the first run planned with, so batches and slices are the same items.</summary>
    /// <param name="source">What the source holds now.</param>
    /// <param name="manifest">The first run's record.</param>
    public static SourceModel WithRecordedPlan(SourceModel source, RunManifest manifest) => source with
    {
        Tables = source.Tables.Select(t => manifest.TableBytes.TryGetValue(t.DisplayName, out var b) ? t with { Bytes = b } : t).ToList(),
        Slices = source.Tables.Where(t => manifest.Slices.ContainsKey(t.DisplayName))
            .ToDictionary(t => t.Oid, t => manifest.Slices[t.DisplayName]),
    };

    /// <summary>Writes the manifest of a new run, before anything is changed on a server.</summary>
    /// <param name="source">The source server.</param>
    /// <param name="target">The target server.</param>
    /// <param name="targetSpec">The target database.</param>
    /// <param name="statistics">The source's change counters, read before the snapshot.</param>
    /// <param name="model">What the copy moves.</param>
    public void RecordNewRun(ServerInfo source, ServerInfo target, ConnectionSpec targetSpec, SourceStatistics statistics, SourceModel model)
    {
        var bytes = new Dictionary<string, long>();
        var slices = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var t in model.Tables)
        {
            bytes.TryAdd(t.DisplayName, t.Bytes);
            if (model.Slices.TryGetValue(t.Oid, out var s)) slices.TryAdd(t.DisplayName, s);
        }
        Save(new RunManifest
        {
            Started = DateTimeOffset.UtcNow, Source = Identity(source, options.Source), Target = Identity(target, targetSpec),
            Options = RunFingerprint.Of(options), PlanJobs = options.Jobs, TableBytes = bytes, Slices = slices, Statistics = statistics,
        });
    }

    /// <summary>Records that the plan starts on the target database (its OID, and whether this run created it).</summary>
    /// <param name="target">The target database.</param>
    /// <param name="created">Whether this run created it.</param>
    /// <param name="ct">Cancels the query.</param>
    public async Task RecordPlanStartAsync(ConnectionSpec target, bool created, CancellationToken ct)
    {
        await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
        var oid = await PgSession.ScalarAsync<uint>(maintenance,
            $"SELECT oid FROM pg_database WHERE datname = {Sql.Quote.Literal(target.Database)}", ct);
        Save(_manifest! with { PlanStarted = true, TargetDatabaseOid = oid, CreatedDatabase = _manifest.CreatedDatabase || created });
    }

    /// <summary>Records that the run finished: a later --resume has nothing to do.</summary>
    public void RecordFinished() => Save(_manifest! with { Finished = DateTimeOffset.UtcNow });

    /// <summary>What the interrupted run recorded decides for this one: items done, items redone.</summary>
    /// <param name="resume">The interrupted run's state.</param>
    /// <param name="sourceCs">A connection string to the source.</param>
    /// <param name="target">The target database, when it exists (null otherwise).</param>
    /// <param name="targetCs">A connection string to it.</param>
    /// <param name="items">This run's plan.</param>
    /// <param name="archive">This run's schema dump.</param>
    /// <param name="firstArchive">The interrupted run's schema dump.</param>
    /// <param name="snapshot">This run's snapshot.</param>
    /// <param name="ct">Cancels the reads.</param>
    public async Task<ResumeDecision> DecideResumeAsync(ResumeSession resume, string sourceCs, ConnectionSpec? target, string targetCs,
        IReadOnlyList<WorkItem> items, SchemaArchive archive, SchemaArchive firstArchive, SnapshotHolder snapshot, CancellationToken ct)
    {
        _manifest = resume.Manifest with { Resumes = resume.Manifest.Resumes + 1 };
        await using var statistics = await PgSession.OpenAsync(sourceCs, Side.Source, options.Source.ToString(), ct);
        await using var targetConnection = target is null ? null : await PgSession.OpenAsync(targetCs, Side.Target, target.ToString(), ct);
        return await resume.DecideAsync(items, archive, firstArchive, options.Source, statistics, targetConnection,
            options.AcceptSourceChanges, sink, snapshot.Id, ct);
    }

    /// <summary>Undoes on the target what the interrupted run left unfinished: the first change a resume makes.</summary>
    /// <param name="items">The plan.</param>
    /// <param name="decision">What the resume decided.</param>
    /// <param name="source">A source session inside the snapshot (for the clean rule).</param>
    /// <param name="target">The target database.</param>
    /// <param name="targetCs">A connection string to it.</param>
    /// <param name="ct">Cancels the statements.</param>
    public async Task PrepareResumedTargetAsync(IReadOnlyList<WorkItem> items, ResumeDecision decision, NpgsqlConnection source,
        ConnectionSpec target, string targetCs, CancellationToken ct)
    {
        await using var connection = await PgSession.OpenAsync(targetCs, Side.Target, target.ToString(), ct);
        if (decision.CleanTarget)
        {
            // Pre-data was unfinished: drop what it made, by the same rule as --clean (never an object the source lacks).
            var clean = await CleanPlan.ReadAsync(source, connection, ct);
            if (!clean.Safe) throw new PgMoveException(ExitCode.TargetNotEmpty, clean.RefusalMessage(target.Database));
            await clean.ExecuteAsync(connection, target.Database, sink, ct);
        }
        else if (await TargetCleanup.RunAsync(connection, items, decision, sink, ct))
            decision.Redo(items.First(i => i.Kind == WorkItemKind.PostData)); // it made the foreign keys just dropped
    }

    /// <summary>Tells which items the resume skips and which it redoes.</summary>
    /// <param name="decision">What the resume decided.</param>
    public void ReportResume(ResumeDecision decision)
    {
        foreach (var item in decision.Skipped) sink.Report(new ItemSkipped(item));
        sink.Report(new Notice($"resume: {decision.Skipped.Count} item(s) done in the interrupted run are skipped; " +
                               (decision.Redone.Count == 0 ? "none is redone"
                                   : $"{decision.Redone.Count} redone from a clean state: {string.Join(", ", decision.Redone.Select(r => r.Id))}")));
    }

    void Save(RunManifest manifest)
    {
        _manifest = manifest;
        manifest.Save(options.StateDirectory);
    }
}
