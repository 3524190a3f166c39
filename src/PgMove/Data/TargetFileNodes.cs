using Npgsql;
using PgMove.Catalog;

namespace PgMove.Data;

/// <summary>
/// The target files a data item loaded, read in its own transaction before it commits: recorded with the item's done
/// state, they let a resume tell a table still as pgmove left it from one truncated or rewritten by someone else.
/// One query for all of an item's tables (a batch of 100 small tables paid 100 round trips).
/// </summary>
internal static class TargetFileNodes
{
    public static async Task<IReadOnlyDictionary<string, uint>> ReadAsync(NpgsqlConnection target, IEnumerable<TableInfo> tables,
        CancellationToken ct)
    {
        var list = tables.ToList();
        await using var cmd = new NpgsqlCommand(
            "SELECT pg_relation_filenode(t.name::regclass)::bigint FROM unnest(@names) WITH ORDINALITY AS t(name, i) ORDER BY t.i", target);
        cmd.Parameters.AddWithValue("names", list.Select(t => t.QualifiedName).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var files = new Dictionary<string, uint>();
        foreach (var table in list)
        {
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("pg_relation_filenode returned fewer rows than tables");
            files[table.DisplayName] = (uint)reader.GetInt64(0);
        }
        return files;
    }
}
