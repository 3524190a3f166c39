using Npgsql;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Schema;
using PgMove.Sql;

namespace PgMove.Resume;

/// <summary>
/// <c>pgmove copy --resume</c>: reads back the run recorded in the state directory and decides, before anything is
/// changed on a server, whether it can go on (a refusal changes nothing) and what is skipped, redone and copied again.
/// </summary>
public sealed class ResumeSession
{
    static readonly TimeSpan LeftoverWait = TimeSpan.FromSeconds(15);

    ResumeSession(string directory, RunManifest manifest, ItemJournal journal)
    {
        Directory = directory;
        Manifest = manifest;
        Journal = journal;
    }

    public string Directory { get; }
    public RunManifest Manifest { get; }
    public ItemJournal Journal { get; }

    /// <summary>Loads the recorded run; refuses when there is none.</summary>
    /// <param name="directory">--dir.</param>
    public static ResumeSession Open(string directory)
    {
        var manifest = RunManifest.Load(directory);
        return new ResumeSession(directory, manifest, manifest.Finished is null ? ItemJournal.Read(directory) : null!);
    }

    /// <summary>Refuses a resume against other servers, databases or options than the recorded run's.</summary>
    /// <param name="source">The source now.</param>
    /// <param name="target">The target now.</param>
    /// <param name="options">The options now, as the manifest records them.</param>
    public void CheckSameRun(ServerIdentity source, ServerIdentity target, IReadOnlyDictionary<string, string> options)
    {
        if (!Manifest.Source.SameAs(source))
            throw RunManifest.Refuse($"--resume: the run in {Directory} copied from {Manifest.Source}, not from {source}; nothing was changed");
        if (!Manifest.Target.SameAs(target))
            throw RunManifest.Refuse($"--resume: the run in {Directory} copied to {Manifest.Target}, not to {target}; nothing was changed");
        var different = Manifest.Options.Keys.Union(options.Keys)
            .Where(k => Manifest.Options.GetValueOrDefault(k) != options.GetValueOrDefault(k))
            .Select(k => $"{k} {Manifest.Options.GetValueOrDefault(k) ?? "(unset)"} → {options.GetValueOrDefault(k) ?? "(unset)"}").ToList();
        if (different.Count > 0)
            throw RunManifest.Refuse($"--resume: options differ from the recorded run's ({string.Join("; ", different)}); " +
                                     "give the same ones; nothing was changed");
    }

    /// <summary>
    /// Refuses when the target database is not the one the run made or found, and waits (then refuses) while sessions
    /// of the interrupted run are still working on it: a killed pgmove's pg_restore or a server backend finishing a
    /// statement would race with the resume.
    /// </summary>
    /// <param name="maintenance">A session on the target server's maintenance database.</param>
    /// <param name="database">The target database.</param>
    /// <param name="ct">Cancels the wait.</param>
    public async Task CheckTargetAsync(NpgsqlConnection maintenance, string database, CancellationToken ct)
    {
        var oid = await PgSession.ScalarAsync<long>(maintenance,
            $"SELECT coalesce((SELECT oid::bigint FROM pg_database WHERE datname = {Quote.Literal(database)}), -1)", ct);
        if (Manifest.TargetDatabaseOid is { } recorded && oid != recorded)
            throw RunManifest.Refuse(oid < 0
                ? $"--resume: target database \"{database}\" was dropped since the interrupted run; start over; nothing was changed"
                : $"--resume: target database \"{database}\" was dropped and created again since the interrupted run (not by pgmove); " +
                  "start over with --clean; nothing was changed");
        var deadline = DateTime.UtcNow + LeftoverWait;
        while (true)
        {
            var pids = await PgSession.ScalarAsync<string>(maintenance,
                "SELECT coalesce(string_agg(pid::text, ', '), '') FROM pg_stat_activity WHERE datname = " + Quote.Literal(database) +
                " AND pid <> pg_backend_pid() AND (application_name LIKE 'pgmove%' OR application_name = 'pg_restore')" +
                " AND application_name <> " + Quote.Literal(MaintenanceSession.ApplicationName), ct);
            if (pids.Length == 0) return;
            if (DateTime.UtcNow > deadline)
                throw RunManifest.Refuse($"--resume: sessions of the interrupted run still work on target database \"{database}\" " +
                                         $"(pids {pids}); wait for them to end or stop them with pg_terminate_backend; nothing was changed");
            await Task.Delay(250, ct);
        }
    }

    /// <summary>
    /// Compares the rebuilt plan and the schema with the recorded ones, finds the source tables that changed since the
    /// first run's snapshot, checks that the target still holds what the run finished, and decides each item.
    /// </summary>
    /// <param name="items">The plan rebuilt from the source as of the resume's snapshot.</param>
    /// <param name="archive">The schema dump as of the resume's snapshot (being made).</param>
    /// <param name="first">The first run's schema dump.</param>
    /// <param name="source">The source (for pg_restore to print the archives).</param>
    /// <param name="sourceStats">A session on the source outside the snapshot, for its change counters.</param>
    /// <param name="target">A session on the target database; null when it does not exist (the run stopped before making it).</param>
    /// <param name="accept">--accept-source-changes.</param>
    /// <param name="sink">Receives what the resume found.</param>
    /// <param name="snapshotId">The resume's snapshot, for the schema dump.</param>
    /// <param name="ct">Cancels the checks.</param>
    public async Task<ResumeDecision> DecideAsync(IReadOnlyList<WorkItem> items, SchemaArchive archive, SchemaArchive first,
        ConnectionSpec source, NpgsqlConnection sourceStats, NpgsqlConnection? target, bool accept, IProgressSink sink,
        string snapshotId, CancellationToken ct)
    {
        if (!items.Select(i => i.Id).SequenceEqual(Journal.PlanIds))
        {
            var added = items.Select(i => i.Id).Except(Journal.PlanIds).Concat(Journal.PlanIds.Except(items.Select(i => i.Id))).Take(3);
            throw RunManifest.Refuse("--resume: the source's tables, indexes or keys changed since the first run (the plan differs: " +
                                     $"{string.Join(", ", added)}…); start over with --clean; nothing was changed");
        }
        await archive.DumpAsync(source, snapshotId, ct);
        if (await archive.SchemaTextAsync(source, ct) != await first.SchemaTextAsync(source, ct))
            throw RunManifest.Refuse("--resume: the source's schema (or its list of large objects) changed since the first run; " +
                                     "start over with --clean; nothing was changed");
        var (changed, largeObjects) = await FindChangesAsync(items, sourceStats, accept, sink, ct);
        if (target is not null) await TargetCleanup.VerifyUntouchedAsync(target, items, Journal, ct);
        return ResumePlanner.Decide(items, Journal, changed, largeObjects);
    }

    async Task<(IReadOnlyList<string> Changed, bool LargeObjects)> FindChangesAsync(IReadOnlyList<WorkItem> items,
        NpgsqlConnection sourceStats, bool accept, IProgressSink sink, CancellationToken ct)
    {
        // A transaction's counters reach the statistics a moment after it commits (at most a second when its session
        // goes idle, on PostgreSQL 15+): wait that long past the resume's snapshot before reading them.
        await Task.Delay(TimeSpan.FromSeconds(1.2), ct);
        var now = await SourceStatistics.ReadAsync(sourceStats, ct);
        if (now.CannotTellWhy(Manifest.Statistics) is { } why)
        {
            if (!accept)
                throw RunManifest.Refuse($"--resume: pgmove cannot tell which source tables changed since the first run: {why}. Start over " +
                                         "with --clean, or accept with --accept-source-changes (tables whose counters moved are copied again, " +
                                         "the others are kept as first copied, so the target may mix two moments of the source); nothing was changed");
            sink.Report(new Notice($"--accept-source-changes: {why}; tables whose counters moved are copied again, the others are " +
                                   "kept as the first run copied them: the target may mix two moments of the source", IsWarning: true));
        }
        var tables = items.SelectMany(ResumePlanner.TablesOf).Select(t => t.DisplayName).Distinct();
        var changed = now.ChangedSince(Manifest.Statistics, tables);
        var largeObjects = now.ChangedSince(Manifest.Statistics, [SourceStatistics.LargeObjects, "pg_catalog.pg_largeobject_metadata"]).Count > 0;
        sink.Report(new Notice(changed.Count == 0 && !largeObjects
            ? "resume: no source table changed since the first run's snapshot (by the source's change counters): " +
              "the target will be the source as of that snapshot"
            : $"resume: source changed since the first run's snapshot, copied again: {(changed.Count == 0 ? "no table" : string.Join(", ", changed))}" +
              $"{(largeObjects ? " and the large objects" : "")}; the target will be the source as of the resume's snapshot"));
        return (changed, largeObjects);
    }
}
