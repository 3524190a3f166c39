using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Sql;

namespace PgMove.Data;

/// <summary>
/// The target files a data item loaded, read in its own transaction before it commits: recorded with the item's done
/// state, they let a resume tell a table still as pgmove left it from one truncated or rewritten by someone else.
/// </summary>
internal static class TargetFileNodes
{
    public static async Task<IReadOnlyDictionary<string, uint>> ReadAsync(NpgsqlConnection target, IEnumerable<TableInfo> tables,
        CancellationToken ct)
    {
        var files = new Dictionary<string, uint>();
        foreach (var table in tables)
            files[table.DisplayName] = (uint)await PgSession.ScalarAsync<long>(target,
                $"SELECT pg_relation_filenode({Quote.Literal(table.QualifiedName)}::regclass)::bigint", ct);
        return files;
    }
}
