using PgMove.Catalog;
using PgMove.Sql;

namespace PgMove.Preflight.Checks;

/// <summary>
/// SELECT on every selected table and sequence of the source (what copy refuses without: the same query), and USAGE on
/// their schemas.
/// </summary>
public sealed class SourcePrivilegeCheck : IPreflightCheck
{
    public string Name => "source-select";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var user = context.SourceServer.CurrentUser;
        var selection = context.Selection;
        var schemas = (await PrivilegeCatalog.ReadUnusableSchemasAsync(context.Source, ct))
            .Where(s => selection.IsEverything || selection.Names.Any(n => n.Schema == s)).Select(Quote.Ident).ToList();
        var relations = await ObjectCatalog.ReadUnreadableAsync(context.Source, selection, ct);
        if (schemas.Count == 0 && relations.Count == 0)
            return [CheckItem.Ok(Name, $"user \"{user}\" may read every {(selection.IsEverything ? "" : "selected ")}table and sequence")];
        var problems = new List<string>();
        if (schemas.Count > 0) problems.Add($"no USAGE on schema(s) {string.Join(", ", schemas)}");
        if (relations.Count > 0)
            problems.Add($"no SELECT on {string.Join(", ", relations)}{(relations.Count == 10 ? ", …" : "")}");
        var who = Quote.Ident(user);
        return [CheckItem.Fail(Name, $"user \"{user}\" has {string.Join("; ", problems)}",
            $"GRANT pg_read_all_data TO {who} (PostgreSQL 14+), or per schema: GRANT USAGE ON SCHEMA s TO {who}; " +
            $"GRANT SELECT ON ALL TABLES IN SCHEMA s TO {who}; GRANT SELECT ON ALL SEQUENCES IN SCHEMA s TO {who}")];
    }
}
