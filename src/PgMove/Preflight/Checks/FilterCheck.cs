using PgMove.Errors;
using PgMove.Filters;

namespace PgMove.Preflight.Checks;

/// <summary>
/// The filters, resolved by the same code the copy runs (<see cref="SelectionReader"/>): what they select, or why the
/// copy would refuse them (a pattern matching nothing, a foreign key crossing the selection, a bad --where). With
/// --online, a --where needs a PostgreSQL 15 source (publication row filters).
/// </summary>
public sealed class FilterCheck : IPreflightCheck
{
    public string Name => "filters";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var filters = context.Options.Filters;
        if (filters.IsEmpty) return [];
        try
        {
            var selection = await SelectionReader.ReadAsync(context.Source, filters, context.Options.Source.Database, ct);
            if (context.Options.Online && filters.Where.Count > 0 && context.SourceServer.VersionNum < 150000)
                return [CheckItem.Fail(Name, $"{filters.Describe()}: --where with sync needs publication row filters, which PostgreSQL " +
                    $"{context.SourceServer.Version} does not have", "drop --where, or sync from a PostgreSQL 15 or newer source")];
            return [CheckItem.Ok(Name, $"{filters.Describe()}: {selection.Summary}")];
        }
        catch (PgMoveException e) when (e.ExitCode == ExitCode.Usage)
        {
            return [CheckItem.Fail(Name, e.Message, "change the filters: copy refuses them the same way (exit 2)")];
        }
    }
}
