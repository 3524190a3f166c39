using PgMove.Copy;

namespace PgMove.Cli.Rendering;

/// <summary>How <c>copy --dry-run</c> prints its plan: facts first, then one numbered line per item with what it waits for.</summary>
internal static class CopyPreviewView
{
    public static IEnumerable<string> Lines(CopyPreview preview)
    {
        yield return "pgmove copy --dry-run: nothing was changed on either server. The copy would run as follows.";
        yield return $"source:   {preview.Source} (PostgreSQL {preview.SourceVersion})";
        yield return $"target:   {preview.Target} (PostgreSQL {preview.TargetVersion})";
        yield return $"tools:    {preview.Tool}";
        yield return $"database: {preview.TargetDatabase}";
        if (preview.Clean is { } clean)
            yield return $"--clean would drop {clean.Objects.Count} object(s) ({clean.Statements.Count} statements): {string.Join(", ", clean.Objects)}";
        yield return $"sessions: --jobs {preview.Jobs}, --index-jobs {preview.IndexJobs}: at most {preview.SourceSessions} on the source, " +
                     $"{preview.TargetSessions} on the target";
        yield return $"plan:     {preview.Items.Count} items; each starts once the items it waits for are done, {preview.Jobs} at a time:";
        var width = preview.Items.Max(i => i.Kind.Length);
        foreach (var step in preview.Items)
            yield return $"  {step.Number,4}  {step.Kind.PadRight(width)}  {step.Label}" +
                         (step.After.Count == 0 ? "" : $"  (after {string.Join(", ", step.After)})");
        foreach (var note in preview.Notes) yield return note;
    }
}
