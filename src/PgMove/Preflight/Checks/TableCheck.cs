using PgMove.Catalog;

namespace PgMove.Preflight.Checks;

/// <summary>Tables without a key, primary keys on text columns, unlogged tables and foreign tables of the source (those selected).</summary>
public sealed class TableCheck : IPreflightCheck
{
    public string Name => "tables";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var tables = await TableShapeCatalog.ReadAsync(context.Source, context.Selection, ct);
        var plain = tables.Where(t => t.Kind == 'r').ToList();
        return [Keys(plain), TextKeys(tables), Unlogged(plain, context.Options.Online), Foreign(tables)];
    }

    static CheckItem Keys(IReadOnlyList<TableShape> tables)
    {
        var keyless = tables.Where(t => !t.HasKey).Select(t => t.Name).ToList();
        if (keyless.Count == 0) return CheckItem.Ok("primary-keys", $"all {tables.Count} tables have a primary key or a unique NOT NULL index");
        return CheckItem.Warn("primary-keys",
            $"{keyless.Count} of {tables.Count} tables have no primary key nor unique NOT NULL index: {Listing.Few(keyless)}",
            "copy moves them as they are, but their rows cannot be told apart: duplicates go unnoticed and logical replication " +
            "cannot UPDATE/DELETE them; add a primary key where the data allows");
    }

    static CheckItem TextKeys(IReadOnlyList<TableShape> tables)
    {
        var text = tables.Where(t => t.TextKeyColumns.Count > 0)
            .Select(t => $"{t.Name}({string.Join(", ", t.TextKeyColumns)})").ToList();
        if (text.Count == 0) return CheckItem.Ok("text-primary-keys", "no primary key column is text, varchar or char");
        return CheckItem.Warn("text-primary-keys", $"primary keys on text columns: {Listing.Few(text)}",
            "pgmove copies them exactly; but tools that treat text as a LOB (AWS DMS in full LOB mode) mishandle such keys " +
            "(NULLed keys reported as duplicates), and a collation change on the target changes their order: " +
            "keep the same collation, prefer integer or uuid keys where a DMS-like tool is involved");
    }

    static CheckItem Unlogged(IReadOnlyList<TableShape> tables, bool online)
    {
        var unlogged = tables.Where(t => t.Unlogged).Select(t => t.Name).ToList();
        if (unlogged.Count == 0) return CheckItem.Ok("unlogged-tables", "none");
        return CheckItem.Warn("unlogged-tables", $"{unlogged.Count} unlogged: {Listing.Few(unlogged)}" +
                (online ? "; logical replication does not carry their changes" : ""),
            "they are copied and stay unlogged on the target (emptied after a crash there)" +
            (online ? "; with --online their changes after the snapshot are lost: ALTER TABLE … SET LOGGED on the source first" : ""));
    }

    static CheckItem Foreign(IReadOnlyList<TableShape> tables)
    {
        var foreign = tables.Where(t => t.Kind == 'f').Select(t => t.Name).ToList();
        if (foreign.Count == 0) return CheckItem.Ok("foreign-tables", "none");
        return CheckItem.Warn("foreign-tables", $"{foreign.Count} foreign: {Listing.Few(foreign)}",
            "only their definitions are copied (the data stays on the remote server): the target needs the FDW extension, " +
            "and the foreign server must be reachable from the target with working user mappings");
    }
}
