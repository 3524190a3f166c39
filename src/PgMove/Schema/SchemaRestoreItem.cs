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
public sealed class SchemaRestoreItem(string section, IReadOnlySet<(uint Catalog, uint Oid)>? skip = null, long cost = 0)
    : WorkItem($"schema:{section}", section == "post-data" ? WorkItemKind.PostData : WorkItemKind.Schema, $"restore {section}", cost)
{
    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var jobs = section == "post-data" ? context.IndexJobs : 1;
        await context.Archive.RestoreAsync(context.Target, section, jobs, context.RestoreOptions, skip, ct, again: Redo);
        return WorkResult.None;
    }
}
