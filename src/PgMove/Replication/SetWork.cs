using System.Buffers;
using System.Text;

namespace PgMove.Replication;

/// <summary>
/// One table's folded changes ready for <see cref="SetApplier"/>: the keys to delete and the rows to update as the
/// COPY text of the staging table (a kind column first: 'D' or 'U'), the new rows as the COPY text of the table,
/// and the updates whose image lacks unsent TOAST values (not known from earlier in the batch), sent one each. The
/// text is kept in pieces of about 16,000 characters: one string per batch would be a large object, which the
/// runtime frees only in its rare full collections (memory grew by 150 MB on a 5-million-row transaction).
/// </summary>
internal sealed record SetWork(int Deletes, int Updates, IReadOnlyList<string>? StageText, int Inserts, IReadOnlyList<string>? InsertText,
    IReadOnlyList<RowImage> PartialUpdates)
{
    const int PieceChars = 16_000;
    static readonly SearchValues<char> Special = SearchValues.Create("\\\t\n\r");

    /// <summary>Renders <paramref name="folded"/> (pure: runs off the target session).</summary>
    public static SetWork Render(ApplyTable table, FoldedChanges folded)
    {
        var updates = folded.Updates.Where(u => u.Unchanged is null).ToList();
        List<string>? stage = null;
        if (folded.Deletes.Count + updates.Count > 0)
        {
            var text = new StringBuilder();
            stage = [];
            foreach (var row in folded.Deletes) Piece(stage, Line(text, 'D', row, table.Key));
            foreach (var row in updates) Piece(stage, Line(text, 'U', row, null));
            Piece(stage, text, last: true);
        }
        List<string>? inserts = null;
        if (folded.Inserts.Count > 0 && table.Columns.Count > 0)
        {
            var text = new StringBuilder();
            inserts = [];
            foreach (var row in folded.Inserts) Piece(inserts, Line(text, null, row, null));
            Piece(inserts, text, last: true);
        }
        return new SetWork(folded.Deletes.Count, updates.Count, stage, folded.Inserts.Count, inserts,
            folded.Updates.Where(u => u.Unchanged is not null).ToList());
    }

    /// <summary>Moves the text to a new piece once it is long enough (or at the end).</summary>
    static void Piece(List<string> pieces, StringBuilder text, bool last = false)
    {
        if (text.Length < PieceChars && !(last && text.Length > 0)) return;
        pieces.Add(text.ToString());
        text.Clear();
    }

    /// <summary>Appends one line of COPY text format to <paramref name="line"/> and returns it; with <paramref name="only"/>, the other columns are written as NULL.</summary>
    static StringBuilder Line(StringBuilder line, char? kind, RowImage row, IReadOnlyList<bool>? only)
    {
        if (kind is { } k) line.Append(k);
        for (var i = 0; i < row.Values.Length; i++)
        {
            if (kind is not null || i > 0) line.Append('\t');
            if (row.Values[i] is not { } value || only is not null && !only[i]) line.Append("\\N");
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
