using PgMove.Planning;

namespace PgMove.Progress;

/// <summary>What the engine tells whoever displays a run. Events arrive from several workers at once.</summary>
public abstract record CopyEvent;

/// <summary>The plan is built: every item the run will do.</summary>
public sealed record PlanReady(IReadOnlyList<WorkItem> Items, int Jobs, string StateDirectory) : CopyEvent;

/// <summary>A worker took an item.</summary>
public sealed record ItemStarted(WorkItem Item, int Worker) : CopyEvent;

/// <summary>Rows and bytes an item has moved so far (cumulative).</summary>
public sealed record ItemProgressed(WorkItem Item, long Rows, long Bytes) : CopyEvent;

/// <summary>An item ended, well or not.</summary>
public sealed record ItemFinished(WorkItem Item, int Worker, TimeSpan Elapsed, long Rows, long Bytes, string? Error) : CopyEvent;

/// <summary>Something the user should know: a decision taken, an object skipped, a setting changed.</summary>
public sealed record Notice(string Text, bool IsWarning = false) : CopyEvent;

/// <summary>A resume skips an item the interrupted run had done.</summary>
public sealed record ItemSkipped(WorkItem Item) : CopyEvent;
