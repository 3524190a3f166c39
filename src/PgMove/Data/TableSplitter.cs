using Npgsql;
using PgMove.Catalog;

namespace PgMove.Data;

/// <summary>
/// Cuts a big table into slices that copy side by side: equal ranges of its integer key, or equal page ranges by
/// ctid (a TID range scan reads only its pages, PostgreSQL 14 and later) when it has none. The first and last
/// slices are open-ended, so every row of the snapshot falls in exactly one slice whatever the statistics said.
/// </summary>
public static class TableSplitter
{
    /// <summary>The slices' SQL conditions; one slice (no split) when the table cannot or need not be cut.</summary>
    public static async Task<IReadOnlyList<string?>> SliceAsync(NpgsqlConnection source, TableInfo table, int parts,
        int sourceVersionNum, CancellationToken ct)
    {
        if (parts < 2) return [null];
        if (table.SplitKey is not null)
        {
            var (min, max) = await TableCatalog.ReadKeyRangeAsync(source, table, ct);
            if (min is null || max is null || (decimal)max.Value - min.Value < parts) return [null];
            return Cut(min.Value, max.Value, parts, Sql.Quote.Ident(table.SplitKey), b => b.ToString());
        }
        if (sourceVersionNum < 140000 || table.Pages < parts) return [null];
        return Cut(0, table.Pages, parts, "ctid", b => $"'({b},0)'::tid");
    }

    static IReadOnlyList<string?> Cut(long min, long max, int parts, string column, Func<long, string> literal)
    {
        var width = ((decimal)max - min) / parts;
        var bounds = Enumerable.Range(1, parts - 1).Select(i => min + (long)(width * i)).ToList();
        var slices = new List<string?> { $"{column} < {literal(bounds[0])}" };
        for (var i = 1; i < bounds.Count; i++)
            slices.Add($"{column} >= {literal(bounds[i - 1])} AND {column} < {literal(bounds[i])}");
        slices.Add($"{column} >= {literal(bounds[^1])}");
        return slices;
    }
}
