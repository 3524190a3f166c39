namespace PgMove.Resume;

/// <summary>What a resumed copy saved and what it did again (in the copy's summary and its --json).</summary>
/// <param name="ItemsSkipped">Items done by the interrupted run, not run again.</param>
/// <param name="ItemsRedone">Items that had started without being recorded done, or whose source table changed: redone from a clean state.</param>
/// <param name="ItemsRun">Items the resume ran (redone ones included).</param>
/// <param name="CopiedAgain">Source tables that changed since the first run's snapshot and were copied again.</param>
/// <param name="LargeObjectsCopiedAgain">The large objects changed on the source and were copied again.</param>
/// <param name="RowsSkipped">Rows the skipped items had copied.</param>
/// <param name="BytesSkipped">Bytes the skipped items had copied.</param>
/// <param name="WorkSaved">The skipped items' run time in the interrupted run, summed over its workers.</param>
/// <param name="NothingToDo">The recorded run had already finished: nothing was done.</param>
public sealed record ResumeSummary(int ItemsSkipped, int ItemsRedone, int ItemsRun, IReadOnlyList<string> CopiedAgain,
    bool LargeObjectsCopiedAgain, long RowsSkipped, long BytesSkipped, TimeSpan WorkSaved, bool NothingToDo = false);
