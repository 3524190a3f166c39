using PgMove.Catalog;
using PgMove.Sql;

namespace PgMove.Preflight.Checks;

/// <summary>Large objects, tablespaces the source's relations live in, and event triggers.</summary>
public sealed class ObjectCheck : IPreflightCheck
{
    public string Name => "objects";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct) =>
    [
        await LargeObjectsAsync(context, ct),
        await TablespacesAsync(context, ct),
        await EventTriggersAsync(context, ct),
    ];

    static async Task<CheckItem> LargeObjectsAsync(PreflightContext c, CancellationToken ct)
    {
        var count = await ObjectCatalog.CountLargeObjectsAsync(c.Source, ct);
        if (count == 0) return CheckItem.Ok("large-objects", "none");
        // The rule copy and dump follow (Selection.LargeObjects, as pg_dump's -n/-t leave them out).
        if (!c.Selection.LargeObjects)
            return CheckItem.Ok("large-objects", $"{count} large object(s), left out by the --schema/--table filters (as pg_dump does)");
        if (c.Options.Online)
            return CheckItem.Warn("large-objects", $"{count} large object(s): logical replication does not carry them",
                "they are copied with the snapshot; changes to them afterwards are not: freeze them during the migration " +
                "or copy them again at cutover");
        return CheckItem.Ok("large-objects", $"{count} large object(s): copied after the tables, in batches, by up to --jobs sessions");
    }

    static async Task<CheckItem> TablespacesAsync(PreflightContext c, CancellationToken ct)
    {
        var used = await ClusterObjectCatalog.ReadTablespacesInUseAsync(c.Source, ct);
        if (used.Count == 0) return CheckItem.Ok("tablespaces", "every relation is in the default tablespace");
        var onTarget = await ClusterObjectCatalog.ReadTablespacesAsync(c.Target, ct);
        var missing = used.Where(t => !onTarget.Contains(t)).ToList();
        if (missing.Count == 0)
            return CheckItem.Ok("tablespaces", $"in use: {string.Join(", ", used)}; all exist on the target");
        return CheckItem.Fail("tablespaces",
            $"in use on the source: {string.Join(", ", used)}; missing on the target: {string.Join(", ", missing)} " +
            "(pg_restore sets default_tablespace to them and stops)",
            $"CREATE TABLESPACE {string.Join(", ", missing.Select(Quote.Ident))} LOCATION '…' on the target (a superuser), " +
            "or move the relations to pg_default on the source");
    }

    static async Task<CheckItem> EventTriggersAsync(PreflightContext c, CancellationToken ct)
    {
        var triggers = await ClusterObjectCatalog.ReadEventTriggersAsync(c.Source, ct);
        if (triggers.Count == 0) return CheckItem.Ok("event-triggers", "none");
        var listed = string.Join(", ", triggers);
        if (c.TargetIsSuperuser)
            return CheckItem.Warn("event-triggers", $"{triggers.Count} event trigger(s): {listed}",
                "they are restored with the post-data section and fire on DDL on the target from then on");
        return CheckItem.Fail("event-triggers",
            $"{triggers.Count} event trigger(s): {listed}; CREATE EVENT TRIGGER needs a superuser and user \"{c.TargetServer.CurrentUser}\" is not one",
            "drop them on the source for the migration and recreate them on the target as a superuser, or copy as a superuser");
    }
}
