using PgMove.Planning;

namespace PgMove.Schema;

/// <summary>
/// Restores one section of the schema archive into the target. Pre-data (types, tables, functions… without
/// indexes, constraints or triggers) before any row; post-data (indexes, keys, foreign keys, triggers, rules,
/// policies, materialized view refreshes, comments and privileges on those) after the last row, with
/// <c>--index-jobs</c> parallel sessions.
/// </summary>
/// <param name="skip">Archive entries (catalog OID, object OID) left out because pgmove builds them itself.</param>
/// <param name="cost">What the scheduler expects the restore to cost, in bytes moved (see <see cref="WorkItem.Cost"/>).</param>
/// <param name="section">pre-data or post-data.</param>
/// <param name="part">For pre-data in pieces: the part restored (the whole section by default).</param>
/// <param name="leaveOutLargeObjects">Leave out the large objects' entries: pgmove creates them itself (see CopyPlan).</param>
public sealed class SchemaRestoreItem(string section, IReadOnlySet<(uint Catalog, uint Oid)>? skip = null, long cost = 0,
    PreDataPart part = PreDataPart.All, bool leaveOutLargeObjects = false)
    : WorkItem(part == PreDataPart.Rest ? $"schema:{section}-rest" : $"schema:{section}",
        section == "post-data" ? WorkItemKind.PostData : WorkItemKind.Schema,
        part switch { PreDataPart.Tables => $"restore {section} (tables)", PreDataPart.Rest => $"restore {section} (rest)", _ => $"restore {section}" }, cost)
{
    /// <summary>
    /// The tables' pre-data of a dump in pieces takes no worker: its pg_restores (--index-jobs at a time) run while both
    /// workers load the rows of the tables already created.
    /// </summary>
    public override bool HoldsWorker => part != PreDataPart.Tables;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var jobs = section == "post-data" ? context.IndexJobs : 1;
        await context.Archive.RestoreAsync(context.Target, section, jobs, context.RestoreOptions, skip, ct, again: Redo, part, leaveOutLargeObjects);
        return WorkResult.None;
    }
}
