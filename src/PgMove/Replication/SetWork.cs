using System.Buffers;
using System.Text;

namespace PgMove.Replication;

/// <summary>
/// One table's folded changes ready for <see cref="SetApplier"/>: the DELETE and the UPDATEs as statements over
/// arrays of values (<see cref="ArrayStatement"/>; one UPDATE per set of columns sent: an image lacking unsent
/// TOAST values leaves those columns alone), and the new rows as the COPY text of the table. The text is kept in
/// pieces of about 16,000 characters: one string per batch would be a large object, which the runtime frees only
/// in its rare full collections (memory grew by 150 MB on a 5-million-row transaction).
/// </summary>
internal sealed record SetWork(IReadOnlyList<ArrayStatement> Statements, int Inserts, IReadOnlyList<string>? InsertText)
{
    const int PieceChars = 16_000;
    static readonly SearchValues<char> Special = SearchValues.Create("\\\t\n\r");

    /// <summary>Renders <paramref name="folded"/> (pure: runs off the target session).</summary>
    public static SetWork Render(ApplyTable table, FoldedChanges folded)
    {
        var statements = new List<ArrayStatement>();
        var keys = SetSql.KeyColumns(table);
        if (folded.Deletes.Count > 0)
            statements.Add(new ArrayStatement(table.Sql("D*", () => SetSql.Delete(table)), Arrays(folded.Deletes, keys), folded.Deletes.Count));
        foreach (var (set, rows) in BySetColumns(table, folded.Updates))
            statements.Add(new ArrayStatement(table.Sql("U*" + string.Join(',', set), () => SetSql.Update(table, set)),
                Arrays(rows, [.. keys, .. set]), rows.Count));
        List<string>? inserts = null;
        if (folded.Inserts.Count > 0 && table.Columns.Count > 0)
        {
            var text = new StringBuilder();
            inserts = [];
            foreach (var row in folded.Inserts) Piece(inserts, Line(text, row));
            Piece(inserts, text, last: true);
        }
        return new SetWork(statements, folded.Inserts.Count, inserts);
    }

    /// <summary>
    /// The updates grouped by the columns they set: every column but the key's and GENERATED ALWAYS identities,
    /// less the TOAST values the image did not send. Images that set nothing (only unsent values) are left out.
    /// </summary>
    static List<(List<int> Set, List<RowImage> Rows)> BySetColumns(ApplyTable table, IReadOnlyList<RowImage> updates)
    {
        var groups = new List<(List<int> Set, List<RowImage> Rows)>();
        var byShape = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in updates)
        {
            var shape = row.Unchanged is null ? "" : string.Concat(row.Unchanged.Select(u => u ? '1' : '0'));
            if (!byShape.TryGetValue(shape, out var g))
            {
                var set = Enumerable.Range(0, table.Columns.Count).Where(i => !table.Key[i] && !table.IdentityAlways[i] && !row.IsUnchanged(i)).ToList();
                byShape[shape] = g = set.Count == 0 ? -1 : groups.Count;
                if (g >= 0) groups.Add((set, []));
            }
            if (g >= 0) groups[g].Rows.Add(row);
        }
        return groups;
    }

    /// <summary>One array per column of <paramref name="columns"/>: that column's value of every row.</summary>
    static IReadOnlyList<string?[]> Arrays(IReadOnlyList<RowImage> rows, IReadOnlyList<int> columns)
    {
        var arrays = new string?[columns.Count][];
        for (var p = 0; p < columns.Count; p++)
        {
            var array = arrays[p] = new string?[rows.Count];
            var column = columns[p];
            for (var r = 0; r < rows.Count; r++) array[r] = rows[r].Values[column];
        }
        return arrays;
    }

    /// <summary>Moves the text to a new piece once it is long enough (or at the end).</summary>
    static void Piece(List<string> pieces, StringBuilder text, bool last = false)
    {
        if (text.Length < PieceChars && !(last && text.Length > 0)) return;
        pieces.Add(text.ToString());
        text.Clear();
    }

    /// <summary>Appends one line of COPY text format to <paramref name="line"/> and returns it.</summary>
    static StringBuilder Line(StringBuilder line, RowImage row)
    {
        for (var i = 0; i < row.Values.Length; i++)
        {
            if (i > 0) line.Append('\t');
            if (row.Values[i] is not { } value) line.Append("\\N");
            else if (value.AsSpan().IndexOfAny(Special) < 0) line.Append(value);
            else Escape(line, value);
        }
        return line.Append('\n');
    }

    static void Escape(StringBuilder line, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': line.Append("\\\\"); break;
                case '\t': line.Append("\\t"); break;
                case '\n': line.Append("\\n"); break;
                case '\r': line.Append("\\r"); break;
                default: line.Append(c); break;
            }
        }
    }
}
