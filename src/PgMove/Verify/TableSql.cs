using System.Text;
using Npgsql;
using NpgsqlTypes;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Sql;

namespace PgMove.Verify;

/// <summary>
/// The SQL verify runs against one table, identical on both sides: the checksum aggregate over an explicit column
/// list (the source's live columns that the target also has, in the source's order, so dropped columns and
/// physical layout do not matter), restricted to a block range or a key range, and the key-range row reads of
/// row location. Collatable key columns are compared in the "C" collation so that both servers cut key ranges
/// at the same places whatever their collation libraries.
/// </summary>
internal sealed class TableSql(VerifyTable table, IReadOnlyList<string> columns)
{
    /// <summary>Fixed seed of hashtextextended: the same on both sides, and different from hashtext's.</summary>
    /// <remarks>
    /// hashtextextended is stable across versions (hash partitioning depends on it); it is not promised to agree
    /// between servers of different byte order, a pairing verify has not been tried on.
    /// </remarks>
    const long Seed = 7;

    public IReadOnlyList<string> Columns => columns;

    // Every column reference is qualified by the alias "r": in ORDER BY, a bare name would mean the output column
    // of that name (the key's text form), and sort as text.
    string From => $" FROM ONLY {table.QualifiedName} AS r";

    // A source table copied with --where: only its rows that hold (ctid kept for block ranges).
    string FromOf(Side side) => side == Side.Source && table.Where is { } where
        ? $" FROM (SELECT ctid, * FROM ONLY {table.QualifiedName} WHERE ({where})) AS r" : From;

    static string Ref(string column) => "r." + Quote.Ident(column);

    string RowText => $"ROW({string.Join(", ", columns.Select(Ref))})::text";

    string Aggregate => $"SELECT count(*), coalesce(sum(hashtextextended({RowText}, {Seed})), 0)::text{From}";

    /// <summary>
    /// The checksum of the blocks [fromPage, toPage) (null: from the start / to the end) on <paramref name="side"/>;
    /// with <paramref name="countOnly"/> a zero checksum.
    /// </summary>
    public string BlockChecksum(long? fromPage, long? toPage, bool countOnly = false, Side side = Side.Target)
    {
        var sql = new StringBuilder(countOnly ? $"SELECT count(*), '0'::text{FromOf(side)}"
            : $"SELECT count(*), coalesce(sum(hashtextextended({RowText}, {Seed})), 0)::text{FromOf(side)}");
        if (fromPage is not null) sql.Append($" WHERE ctid >= '({fromPage},0)'::tid");
        if (toPage is not null) sql.Append(fromPage is null ? " WHERE" : " AND").Append($" ctid < '({toPage},0)'::tid");
        return sql.ToString();
    }

    /// <summary>Runs a checksum statement.</summary>
    public static async Task<Checksum> ReadChecksumAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Checksum(reader.GetInt64(0), System.Numerics.BigInteger.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture));
    }

    public NpgsqlCommand RangeChecksum(NpgsqlConnection connection, KeyRange range) => Command(connection, Aggregate, range, "");

    /// <summary>The key of the row at <paramref name="offset"/> in key order within the range.</summary>
    public NpgsqlCommand KeyAt(NpgsqlConnection connection, KeyRange range, long offset) =>
        Command(connection, $"SELECT {KeyTexts}{From}", range, $" ORDER BY {OrderedKey} OFFSET {offset} LIMIT 1");

    /// <summary>Key texts then every compared column's text, for the rows of a range (at most <paramref name="limit"/>).</summary>
    public NpgsqlCommand Rows(NpgsqlConnection connection, KeyRange range, int limit) =>
        Command(connection,
            $"SELECT {KeyTexts}{string.Concat(columns.Select(c => $", {Ref(c)}::text"))}{From}",
            range, $" ORDER BY {OrderedKey} LIMIT {limit}");

    TableKey Key => table.Key ?? throw new InvalidOperationException($"{table.DisplayName} has no key");

    string KeyTexts => string.Join(", ", Key.Columns.Select(c => $"{Ref(c)}::text"));

    string OrderedKey => string.Join(", ", Key.Columns.Select((_, i) => KeyColumn(i)));

    string KeyColumn(int i) => Ref(Key.Columns[i]) + (Key.Collatable[i] ? " COLLATE \"C\"" : "");

    string KeyTuple => Key.Columns.Count == 1 ? KeyColumn(0) : "(" + OrderedKey + ")";

    string ParamTuple(int first)
    {
        var items = Key.Types.Select((type, i) => $"${first + i}::{type}").ToList();
        return items.Count == 1 ? items[0] : "(" + string.Join(", ", items) + ")";
    }

    NpgsqlCommand Command(NpgsqlConnection connection, string head, KeyRange range, string tail)
    {
        var cmd = new NpgsqlCommand { Connection = connection };
        var conditions = new List<string>();
        if (range.Lower is not null)
        {
            conditions.Add($"{KeyTuple} >= {ParamTuple(cmd.Parameters.Count + 1)}");
            foreach (var v in range.Lower) cmd.Parameters.Add(new NpgsqlParameter { Value = v, NpgsqlDbType = NpgsqlDbType.Text });
        }
        if (range.Upper is not null)
        {
            conditions.Add($"{KeyTuple} < {ParamTuple(cmd.Parameters.Count + 1)}");
            foreach (var v in range.Upper) cmd.Parameters.Add(new NpgsqlParameter { Value = v, NpgsqlDbType = NpgsqlDbType.Text });
        }
        cmd.CommandText = head + (conditions.Count > 0 ? " WHERE " + string.Join(" AND ", conditions) : "") + tail;
        return cmd;
    }
}
