using System.Buffers;
using System.Text;

namespace PgMove.Replication;

/// <summary>
/// One table's folded changes ready for <see cref="SetApplier"/>: the keys to delete and the rows to update as the
/// COPY text of the staging table (a kind column first: 'D' or 'U'), the new rows as the COPY text of the table,
/// and the updates whose image lacks unsent TOAST values (not known from earlier in the batch), sent one each.
/// </summary>
internal sealed record SetWork(int Deletes, int Updates, string? StageText, int Inserts, string? InsertText, IReadOnlyList<RowImage> PartialUpdates)
{
    static readonly SearchValues<char> Special = SearchValues.Create("\\\t\n\r");

    /// <summary>Renders <paramref name="folded"/> (pure: runs off the target session).</summary>
    public static SetWork Render(ApplyTable table, FoldedChanges folded)
    {
        var updates = folded.Updates.Where(u => u.Unchanged is null).ToList();
        string? stage = null;
        if (folded.Deletes.Count + updates.Count > 0)
        {
            var text = new StringBuilder();
            foreach (var row in folded.Deletes) Line(text, 'D', row, table.Key);
            foreach (var row in updates) Line(text, 'U', row, null);
            stage = text.ToString();
        }
        string? inserts = null;
        if (folded.Inserts.Count > 0 && table.Columns.Count > 0)
        {
            var text = new StringBuilder();
            foreach (var row in folded.Inserts) Line(text, null, row, null);
            inserts = text.ToString();
        }
        return new SetWork(folded.Deletes.Count, updates.Count, stage, folded.Inserts.Count, inserts,
            folded.Updates.Where(u => u.Unchanged is not null).ToList());
    }

    /// <summary>One line of COPY text format; with <paramref name="only"/>, the other columns are written as NULL.</summary>
    static void Line(StringBuilder line, char? kind, RowImage row, IReadOnlyList<bool>? only)
    {
        if (kind is { } k) line.Append(k);
        for (var i = 0; i < row.Values.Length; i++)
        {
            if (kind is not null || i > 0) line.Append('\t');
            if (row.Values[i] is not { } value || only is not null && !only[i]) line.Append("\\N");
            else if (value.AsSpan().IndexOfAny(Special) < 0) line.Append(value);
            else Escape(line, value);
        }
        line.Append('\n');
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
