using PgMove.Connections;
using PgMove.Copy;
using PgMove.Data;
using PgMove.Planning;
using PgMove.Progress;
using PgMove.Reporting;
using PgMove.Schema;
using PgMove.Target;

namespace PgMove.Archive;

/// <summary>
/// Runs a restore's plan (the copy's, fed from files) on the target, for pgmove's own archives and pg_dump's alike: the
/// target's tuning planned, applied under --tune-target and put back, the plan recorded in the state directory, the
/// scheduler run with the archive's rows, and the timeline written under --timeline.
/// </summary>
internal static class RestorePlan
{
    /// <summary>Runs <paramref name="items"/>; every item that would read a source is already marked done.</summary>
    /// <param name="options">The restore's options.</param>
    /// <param name="sink">Where progress goes.</param>
    /// <param name="items">The plan.</param>
    /// <param name="bytes">What the database weighs (for the tuning).</param>
    /// <param name="target">The target database.</param>
    /// <param name="targetCs">A connection string to it.</param>
    /// <param name="schema">The archive's schema.</param>
    /// <param name="rows">Where the tables' rows come from.</param>
    /// <param name="ct">Stops the run.</param>
    public static async Task RunAsync(ArchiveRestoreOptions options, IProgressSink sink, IReadOnlyList<WorkItem> items, long bytes,
        ConnectionSpec target, string targetCs, SchemaArchive schema, IRowSource rows, CancellationToken ct)
    {
        var undoFile = Path.Combine(options.StateDirectory, "tune-target-undo.json");
        TargetTuning tuning;
        await using (var maintenance = await MaintenanceSession.OpenAsync(target, ct))
        {
            // A run killed with its settings applied left their undo behind: put them back before reading them.
            await TargetTuning.UndoLeftoverAsync(maintenance, undoFile, sink, ct);
            tuning = await TargetTuning.PlanAsync(maintenance, bytes, options.Jobs, sink, ct);
        }
        var memory = $"maintenance_work_mem={tuning.MaintenanceWorkMemBytes >> 10}kB";
        var context = new WorkContext
        {
            // No item of a restore reads the source or its snapshot.
            Source = target,
            SourceConnectionString = targetCs,
            Snapshot = null!,
            Target = target,
            TargetConnectionString = targetCs,
            Archive = schema,
            RestoreOptions = new RestoreOptions(options.NoOwner, options.NoAcl, $"{SessionSettings.RestoreOptions} -c {memory}")
            {
                PiecesAtOnce = options.IndexJobs,
            },
            IndexJobs = options.IndexJobs,
            SortMemory = tuning.SortMemory,
            Sink = sink,
            Rows = rows,
        };
        var store = new StateStore(options.StateDirectory);
        store.WritePlan(items);
        sink.Report(new PlanReady(items, options.Jobs, options.StateDirectory));
        sink.Report(new Notice($"using {schema.ToolDescription}"));
        try
        {
            if (options.TuneTarget && tuning.HasRecommendations)
            {
                await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
                await tuning.ApplyAsync(maintenance, undoFile, sink, ct);
            }
            await new Scheduler(options.Jobs, store, sink).RunAsync(items, context, ct);
        }
        finally
        {
            await tuning.PutBackAsync(target, undoFile, sink);
            if (options.TimelinePath is { } timeline)
                sink.Report(new Notice($"timeline written to {timeline} and {await Timeline.WriteAsync(timeline, items, CancellationToken.None)}"));
        }
    }
}
