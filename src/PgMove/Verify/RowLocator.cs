using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;

namespace PgMove.Verify;

/// <summary>
/// Finds the rows behind a checksum difference: splits the key space at the median key of the side with more rows,
/// compares the left half's checksums on both sides (the right half's follow by subtraction, checksums being
/// additive), recurses into halves that differ, and reads the rows of small differing ranges from both sides to
/// tell missing, extra and changed rows apart. Stops once <c>maxRows</c> differences are found.
/// </summary>
internal sealed class RowLocator(VerifyTable table, TableSql sql, int maxRows, int leafRows)
{
    const int MaxDepth = 80;
    readonly List<RowDifference> _found = [];

    public IReadOnlyList<RowDifference> Found => _found;

    /// <summary>True when the search stopped at maxRows with differing ranges left unexplored.</summary>
    public bool Truncated { get; private set; }

    public Task LocateAsync(SessionPair sessions, Checksum source, Checksum target, CancellationToken ct) =>
        DiffAsync(sessions, KeyRange.All, source, target, 0, ct);

    async Task DiffAsync(SessionPair s, KeyRange range, Checksum source, Checksum target, int depth, CancellationToken ct)
    {
        if (source == target) return;
        if (_found.Count >= maxRows)
        {
            Truncated = true;
            return;
        }
        var larger = source.Rows >= target.Rows ? Side.Source : Side.Target;
        var count = Math.Max(source.Rows, target.Rows);
        var middle = count <= leafRows || depth >= MaxDepth ? null : await KeyAtAsync(s.Get(larger), range, count / 2, ct);
        if (middle is null || (range.Lower is not null && middle.SequenceEqual(range.Lower)))
        {
            await CompareRowsAsync(s, range, ct);
            return;
        }
        var left = range with { Upper = middle };
        var sourceLeft = ChecksumAsync(s.Source, left, ct);
        var targetLeft = ChecksumAsync(s.Target, left, ct);
        await Task.WhenAll(sourceLeft, targetLeft);
        await DiffAsync(s, left, sourceLeft.Result, targetLeft.Result, depth + 1, ct);
        await DiffAsync(s, range with { Lower = middle }, source - sourceLeft.Result, target - targetLeft.Result, depth + 1, ct);
    }

    async Task<Checksum> ChecksumAsync(NpgsqlConnection connection, KeyRange range, CancellationToken ct)
    {
        await using var cmd = sql.RangeChecksum(connection, range);
        return await TableSql.ReadChecksumAsync(cmd, ct);
    }

    async Task<string[]?> KeyAtAsync(NpgsqlConnection connection, KeyRange range, long offset, CancellationToken ct)
    {
        await using var cmd = sql.KeyAt(connection, range, offset);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray();
    }

    async Task CompareRowsAsync(SessionPair s, KeyRange range, CancellationToken ct)
    {
        var limit = Math.Max(leafRows * 4, 1000);
        var sourceRows = ReadRowsAsync(s.Source, range, limit, ct);
        var targetRows = ReadRowsAsync(s.Target, range, limit, ct);
        await Task.WhenAll(sourceRows, targetRows);
        var keyWidth = table.Key!.Columns.Count;
        var targetByKey = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        foreach (var row in targetRows.Result)
            if (!targetByKey.TryAdd(KeyOf(row, keyWidth), row))
                Add(new RowDifference("extra on target", KeyMap(row, keyWidth), [], Empty, Empty)); // a duplicate key
        foreach (var row in sourceRows.Result)
        {
            var key = KeyOf(row, keyWidth);
            if (!targetByKey.Remove(key, out var other))
            {
                Add(new RowDifference("missing on target", KeyMap(row, keyWidth), [], Empty, Empty));
                continue;
            }
            var changed = Enumerable.Range(0, sql.Columns.Count).Where(i => row[keyWidth + i] != other[keyWidth + i]).ToList();
            if (changed.Count > 0)
                Add(new RowDifference("changed", KeyMap(row, keyWidth), changed.Select(i => sql.Columns[i]).ToList(),
                    changed.ToDictionary(i => sql.Columns[i], i => row[keyWidth + i]),
                    changed.ToDictionary(i => sql.Columns[i], i => other[keyWidth + i])));
        }
        foreach (var row in targetByKey.Values)
            Add(new RowDifference("extra on target", KeyMap(row, keyWidth), [], Empty, Empty));
    }

    void Add(RowDifference difference)
    {
        if (_found.Count < maxRows) _found.Add(difference);
        else Truncated = true;
    }

    static readonly IReadOnlyDictionary<string, string?> Empty = new Dictionary<string, string?>();

    async Task<List<string?[]>> ReadRowsAsync(NpgsqlConnection connection, KeyRange range, int limit, CancellationToken ct)
    {
        await using var cmd = sql.Rows(connection, range, limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<string?[]>();
        while (await reader.ReadAsync(ct))
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(row);
        }
        return rows;
    }

    // Text values never hold NUL, so it separates key parts unambiguously.
    static string KeyOf(string?[] row, int width) => string.Join('\0', row.Take(width));

    IReadOnlyDictionary<string, string?> KeyMap(string?[] row, int width)
    {
        var map = new Dictionary<string, string?>();
        for (var i = 0; i < width; i++) map[table.Key!.Columns[i]] = row[i];
        return map;
    }
}
