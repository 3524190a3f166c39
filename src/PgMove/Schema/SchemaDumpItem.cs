using PgMove.Planning;

namespace PgMove.Schema;

/// <summary>
/// pg_dump of the source's pre-data and post-data sections, as of the run's snapshot. The dump starts before the plan
/// runs (SchemaArchive.StartDump, beside the catalog reads): this item only waits for it to end, and takes no worker,
/// so that rows load while the last pieces of a dump in pieces are still written.
/// </summary>
public sealed class SchemaDumpItem() : WorkItem("schema:dump", WorkItemKind.Schema, "dump source schema")
{
    public override bool HoldsWorker => false;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await context.Archive.DumpAsync(context.Source, context.Snapshot.Id, ct);
        return new WorkResult(0, new FileInfo(context.Archive.Path).Length);
    }
}
