namespace PgMove.Replication;

/// <summary>
/// Folds one table's changes of a batch, in stream order, into their net effect per key: rows to delete, rows to
/// update in place, rows to insert (a key deleted then inserted again is deleted, then inserted). Applied as DELETE,
/// then UPDATE, then INSERT, the net effect leaves the table as the changes one by one would. Returns null when the
/// changes cannot be folded safely (no key and not only inserts, REPLICA IDENTITY FULL images, a sequence the source
/// cannot have produced): the applier then sends them one statement each, in order.
/// </summary>
internal static class ChangeFolder
{
    enum State { Inserted, Updated, Deleted, Absent, Replaced }

    sealed class Entry(State state, RowImage? row, RowImage keyImage)
    {
        public State State = state;
        public RowImage? Row = row;
        public RowImage KeyImage { get; } = keyImage;
    }

    /// <summary>The entries by key, and in order of first appearance: stream order is kept within each kind.</summary>
    sealed class Entries
    {
        readonly Dictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
        public List<Entry> InOrder { get; } = [];
        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Entry entry) => _byKey.TryGetValue(key, out entry);
        public void Add(string key, Entry entry)
        {
            _byKey.Add(key, entry);
            InOrder.Add(entry);
        }
    }

    /// <summary>The net effect of <paramref name="changes"/> (all of <paramref name="table"/>), or null to apply them one by one.</summary>
    public static FoldedChanges? Fold(ApplyTable table, IReadOnlyList<Change> changes)
    {
        // Only whole new rows (a log table, say): they are the net effect, keyed or not (a key inserted twice needs a
        // DELETE between; REPLICA IDENTITY FULL "keys" of equal rows are no keys).
        if (changes.All(c => c is InsertChange { New.Unchanged: null }))
            return new FoldedChanges([], [], [.. changes.Cast<InsertChange>().Select(i => i.New)]);
        if (!table.Key.Any(k => k)) return null;
        var entries = new Entries();
        foreach (var change in changes)
        {
            var ok = change switch
            {
                InsertChange insert => insert.New.Unchanged is null && Transition(entries, KeyOf(table, insert.New), insert.New, insert.New),
                UpdateChange { OldIsFull: false } update => Update(entries, table, update),
                DeleteChange { OldIsFull: false } delete => Transition(entries, KeyOf(table, delete.Old), delete.Old, null),
                _ => false,
            };
            if (!ok) return null;
        }
        return Split(entries.InOrder);
    }

    static bool Update(Entries entries, ApplyTable table, UpdateChange update)
    {
        var newKey = KeyOf(table, update.New);
        var oldKey = update.Old is null ? newKey : KeyOf(table, update.Old);
        if (newKey is null || oldKey is null) return false;
        entries.TryGetValue(oldKey, out var old);
        if (old?.State is State.Deleted or State.Absent) return false; // the row is not there on the source either
        if (oldKey == newKey)
        {
            if (old is null) entries.Add(newKey, new Entry(State.Updated, update.New, update.New));
            else old.Row = Merge(old.Row!, update.New);
            return true;
        }
        // A key change: the old key's row goes, the new key's row comes whole (its unsent TOAST values must be known).
        var row = old is null ? update.New : Merge(old.Row!, update.New);
        return row.Unchanged is null
               && Transition(entries, oldKey, update.Old!, null)
               && Transition(entries, newKey, row, row);
    }

    /// <summary>An INSERT (<paramref name="row"/> set) or DELETE (null) of a key; false when the source could not have done it.</summary>
    static bool Transition(Entries entries, string? key, RowImage keyImage, RowImage? row)
    {
        if (key is null) return false;
        if (!entries.TryGetValue(key, out var entry))
        {
            entries.Add(key, new Entry(row is null ? State.Deleted : State.Inserted, row, keyImage));
            return true;
        }
        State? next = (entry.State, row is null) switch
        {
            (State.Inserted, true) => State.Absent,
            (State.Updated or State.Replaced, true) => State.Deleted,
            (State.Absent, false) => State.Inserted,
            (State.Deleted, false) => State.Replaced,
            _ => null,
        };
        if (next is null) return false;
        (entry.State, entry.Row) = (next.Value, row);
        return true;
    }

    static FoldedChanges Split(List<Entry> entries)
    {
        List<RowImage> deletes = [], updates = [], inserts = [];
        foreach (var entry in entries)
        {
            switch (entry.State)
            {
                case State.Deleted: deletes.Add(entry.KeyImage); break;
                case State.Replaced: deletes.Add(entry.KeyImage); inserts.Add(entry.Row!); break;
                case State.Inserted: inserts.Add(entry.Row!); break;
                case State.Updated: updates.Add(entry.Row!); break;
            }
        }
        return new FoldedChanges(deletes, updates, inserts);
    }

    /// <summary>A later image over an earlier one: the TOAST values the later one did not send are the earlier one's.</summary>
    static RowImage Merge(RowImage earlier, RowImage later)
    {
        if (later.Unchanged is null) return later;
        var values = (string?[])later.Values.Clone();
        bool[]? unchanged = null;
        for (var i = 0; i < values.Length; i++)
        {
            if (!later.Unchanged[i]) continue;
            if (earlier.IsUnchanged(i)) (unchanged ??= new bool[values.Length])[i] = true;
            else values[i] = earlier.Values[i];
        }
        return new RowImage(values, unchanged);
    }

    /// <summary>The key's values, one string; null when a key value was not sent.</summary>
    static string? KeyOf(ApplyTable table, RowImage image)
    {
        string? single = null;
        List<string>? parts = null;
        for (var i = 0; i < table.Key.Count; i++)
        {
            if (!table.Key[i]) continue;
            if (image.IsUnchanged(i) || i >= image.Values.Length) return null;
            // A text value never holds NUL: "\0" stands for NULL, and one key column is its value as is.
            var part = image.Values[i] ?? "\0";
            if (single is null && parts is null) single = part;
            else
            {
                parts ??= [Length(single!)];
                parts.Add(Length(part));
            }
        }
        return parts is null ? single ?? "" : string.Concat(parts);
    }

    static string Length(string part) => part.Length + ":" + part;
}
