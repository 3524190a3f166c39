using System.CommandLine;
using PgMove.Filters;

namespace PgMove.Cli.Commands;

/// <summary>The filters, named as pg_dump names them; shared by copy, sync, check and verify so all read them alike.</summary>
internal sealed class FilterCliOptions
{
    readonly Option<string[]> _schema = Repeatable("--schema", "Move only the schemas matching this pattern (pg_dump -n rules; repeatable)");
    readonly Option<string[]> _excludeSchema = Repeatable("--exclude-schema", "Do not move the schemas matching this pattern (repeatable)");
    readonly Option<string[]> _table = Repeatable("--table", "Move only the tables (views, sequences) matching this pattern (pg_dump -t rules; repeatable)");
    readonly Option<string[]> _excludeTable = Repeatable("--exclude-table", "Do not move the tables matching this pattern (repeatable)");
    readonly Option<string[]> _excludeData = Repeatable("--exclude-table-data", "Move the definition of the matching tables but none of their rows (repeatable)");
    readonly Option<string[]> _where = Repeatable("--where", "TABLE=CONDITION: move only the rows of TABLE for which the SQL condition holds (repeatable)");

    static Option<string[]> Repeatable(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore };

    /// <summary>Adds the options to a command.</summary>
    /// <param name="command">copy, sync, check or verify.</param>
    /// <param name="withWhere">Whether the command takes --where.</param>
    public void AddTo(Command command, bool withWhere = true)
    {
        foreach (var option in new[] { _schema, _excludeSchema, _table, _excludeTable, _excludeData })
            command.Options.Add(option);
        if (withWhere) command.Options.Add(_where);
    }

    /// <summary>The filters given.</summary>
    /// <param name="parse">The parsed command line.</param>
    public FilterOptions Read(ParseResult parse) => new()
    {
        Schemas = Values(parse, _schema), ExcludeSchemas = Values(parse, _excludeSchema), Tables = Values(parse, _table),
        ExcludeTables = Values(parse, _excludeTable), ExcludeTableData = Values(parse, _excludeData), Where = Values(parse, _where),
    };

    static string[] Values(ParseResult parse, Option<string[]> option) => parse.GetValue(option) ?? [];
}
