using System.Text.Json;
using Npgsql;
using PgMove.Errors;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Resume;

namespace PgMove.Archive;

/// <summary>
/// <c>pgmove dump --resume</c>: <c>dump-state/dump-run.json</c> records, before the first data file is written, which
/// source and filters the dump is of and the source's change counters just before its snapshot (the copy's
/// <see cref="SourceStatistics"/>). A resume takes a new snapshot and keeps each file the journal recorded whose table's
/// counters have not moved and which still checks (size, SHA-256); everything else is dumped again in the new
/// snapshot, so the finished archive is the source as of it.
/// </summary>
/// <param name="Source">The source the dump reads.</param>
/// <param name="Filters">The filters, as <see cref="Filters.FilterOptions.Describe"/> says them.</param>
/// <param name="Statistics">The source's counters just before the first run's snapshot.</param>
public sealed record DumpResume(ServerIdentity Source, string Filters, SourceStatistics Statistics)
{
    /// <summary>The record's name in the state directory.</summary>
    public const string FileName = "dump-run.json";
    static readonly TimeSpan CountersDelay = TimeSpan.FromSeconds(1.2);

    /// <summary>Writes the record atomically.</summary>
    /// <param name="stateDirectory">The dump's state directory.</param>
    public void Save(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, FileName);
        using (var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(this));
            file.Flush(flushToDisk: true);
        }
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The interrupted dump's record; refuses a directory without one.</summary>
    /// <param name="stateDirectory">The dump's state directory.</param>
    public static DumpResume Load(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        try
        {
            return JsonSerializer.Deserialize<DumpResume>(File.ReadAllText(path)) ?? throw new JsonException("empty");
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw Refuse($"{path} is missing or unreadable ({e.Message}): this directory holds no interrupted pgmove dump; start over in a new directory");
        }
    }

    /// <summary>Refuses a resume of another source or with other filters.</summary>
    /// <param name="source">The source now.</param>
    /// <param name="filters">The filters now.</param>
    public void CheckSameRun(ServerIdentity source, string filters)
    {
        if (!Source.SameAs(source)) throw Refuse($"the interrupted dump read {Source}, not {source}");
        if (Filters != filters) throw Refuse($"the interrupted dump had filters \"{Filters}\", not \"{filters}\"; give the same ones");
    }

    /// <summary>
    /// Marks done the items whose file an earlier run finished, that still checks, and whose tables did not change since;
    /// keeps their records in <paramref name="journal"/>. Returns how many were kept.
    /// </summary>
    /// <param name="items">The dump's items, planned in the resume's snapshot.</param>
    /// <param name="journal">The resumed dump's journal.</param>
    /// <param name="directory">The archive directory.</param>
    /// <param name="source">A source session outside the snapshot, for the counters.</param>
    /// <param name="sink">Receives what the resume kept and why it redoes the rest.</param>
    /// <param name="ct">Cancels the checks.</param>
    public async Task<int> KeepFinishedAsync(IReadOnlyList<WorkItem> items, DumpJournal journal, string directory,
        NpgsqlConnection source, IProgressSink sink, CancellationToken ct)
    {
        // A transaction's counters reach the statistics a moment after it commits: wait past the resume's snapshot.
        await Task.Delay(CountersDelay, ct);
        var now = await SourceStatistics.ReadAsync(source, ct);
        if (now.CannotTellWhy(Statistics) is { } why)
            throw Refuse($"pgmove cannot tell which source tables changed since the interrupted dump: {why}; start over in a new directory");
        var recorded = DumpJournal.Read(Path.Combine(directory, DumpRunner.StateDirectoryName));
        var (kept, changed, damaged) = (0, new List<string>(), new List<string>());
        foreach (var item in items)
        {
            var (name, tables) = item switch
            {
                TableDumpItem t => (TableDumpItem.FileOf(t.Table), new[] { t.Table.DisplayName }),
                LargeObjectsDumpItem => (ArchiveManifest.LargeObjectsFile, [SourceStatistics.LargeObjects, "pg_catalog.pg_largeobject_metadata"]),
                _ => (null, []),
            };
            if (name is null || !recorded.TryGetValue(name, out var file)) continue;
            var reshaped = item is TableDumpItem d && !(file.Columns ?? []).SequenceEqual(d.Table.Columns, StringComparer.Ordinal);
            if (reshaped || now.ChangedSince(Statistics, tables).Count > 0) { changed.Add(item.Label); continue; }
            try
            {
                await ArchiveFiles.CheckAsync(directory, name, file, item.Label, ct);
            }
            catch (PgMoveException e) when (e.ExitCode == ExitCode.ArchiveDamaged)
            {
                damaged.Add(name);
                continue;
            }
            item.State = WorkItemState.Done;
            journal.Keep(name, file);
            kept++;
        }
        sink.Report(new Notice($"resume: {kept} finished file(s) checked and kept" +
                               (changed.Count > 0 ? $"; changed on the source since, dumped again: {string.Join(", ", changed)}" : "") +
                               (damaged.Count > 0 ? $"; damaged, written again: {string.Join(", ", damaged)}" : "")));
        return kept;
    }

    static PgMoveException Refuse(string why) => new(ExitCode.Refused, $"dump --resume: {why}; nothing was written");
}
