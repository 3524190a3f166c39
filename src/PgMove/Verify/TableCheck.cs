using PgMove.Catalog;
using PgMove.Connections;

namespace PgMove.Verify;

/// <summary>
/// One table's comparison: the two sides' catalog entries, the columns compared (the source's live columns that
/// the target also has, in the source's order), the checksums accumulated from block-range parts, and the rows
/// located when they differ.
/// </summary>
internal sealed class TableCheck
{
    readonly object _lock = new();
    Checksum _source;
    Checksum _target;
    RowLocator? _locator;

    public TableCheck(VerifyTable? source, VerifyTable? target)
    {
        Source = source;
        Target = target;
        var table = source ?? target!;
        Columns = source is not null && target is not null
            ? source.Columns.Where(target.Columns.Contains).ToList()
            : table.Columns;
        Sql = new TableSql(table, Columns);
    }

    public VerifyTable? Source { get; }
    public VerifyTable? Target { get; }
    public IReadOnlyList<string> Columns { get; }
    public TableSql Sql { get; }
    public string DisplayName => (Source ?? Target)!.DisplayName;

    bool Paired => Source is not null && Target is not null;

    bool SameColumns => Paired && Source!.Columns.Count == Columns.Count && Target!.Columns.Count == Columns.Count;

    // Rows of a --where table are not located: the key-range reads do not carry the condition.
    bool CanLocate => Paired && Source!.Key is { } key && key.Columns.All(Columns.Contains) && Source.Where is null;

    /// <summary>Pairs tables by schema and name.</summary>
    public static List<TableCheck> Pair(IReadOnlyList<VerifyTable> source, IReadOnlyList<VerifyTable> target)
    {
        var byName = target.ToDictionary(t => (t.Schema, t.Name));
        var checks = new List<TableCheck>();
        foreach (var s in source)
        {
            byName.Remove((s.Schema, s.Name), out var t);
            checks.Add(new TableCheck(s, t));
        }
        checks.AddRange(byName.Values.Select(t => new TableCheck(null, t)));
        return checks;
    }

    /// <summary>
    /// The checksum statements of this table: one per side, or one per block range of <paramref name="partPages"/> on
    /// a large table when that side's server has TID range scans (PostgreSQL 14+), each part reading only its blocks.
    /// </summary>
    /// <param name="partPages">Tables larger than this many pages are cut into block ranges of this size.</param>
    /// <param name="sourceTidRanges">The source can scan block ranges (PostgreSQL 14+).</param>
    /// <param name="targetTidRanges">The same for the target.</param>
    /// <param name="countsOnly">Count rows without checksumming them.</param>
    public IEnumerable<ChecksumPart> Parts(long partPages, bool sourceTidRanges, bool targetTidRanges, bool countsOnly = false)
    {
        if (Source is not null) foreach (var p in PartsOf(Side.Source, Source.Pages, partPages, sourceTidRanges, countsOnly)) yield return p;
        if (Target is not null) foreach (var p in PartsOf(Side.Target, Target.Pages, partPages, targetTidRanges, countsOnly)) yield return p;
    }

    IEnumerable<ChecksumPart> PartsOf(Side side, long pages, long partPages, bool tidRanges, bool countsOnly)
    {
        if (!tidRanges || pages <= partPages)
        {
            yield return new ChecksumPart(this, side, null, null, pages, countsOnly);
            yield break;
        }
        for (long from = 0; from < pages; from += partPages)
            yield return new ChecksumPart(this, side, from == 0 ? null : from, from + partPages >= pages ? null : from + partPages,
                Math.Min(partPages, pages - from), countsOnly);
    }

    public void Add(Side side, Checksum checksum)
    {
        lock (_lock)
        {
            if (side == Side.Source) _source += checksum;
            else _target += checksum;
        }
    }

    /// <summary>True when both sides have the table, their checksums differ and a key allows locating rows.</summary>
    public bool NeedsLocation => CanLocate && _source != _target;

    public bool ChecksumsDiffer => Paired && _source != _target;

    public async Task LocateAsync(SessionPair sessions, int maxRows, int leafRows, CancellationToken ct)
    {
        var locator = new RowLocator(Source!, Sql, maxRows, leafRows);
        await locator.LocateAsync(sessions, _source, _target, ct);
        _locator = locator;
    }

    public TableVerdict Verdict()
    {
        if (Target is null)
            return new TableVerdict(DisplayName, TableVerdict.MissingOnTarget, _source.Rows, null, _source.ToString(), null,
                Source!.Key?.Columns, [], false, "the table does not exist on the target");
        if (Source is null)
            return new TableVerdict(DisplayName, TableVerdict.ExtraOnTarget, null, _target.Rows, null, _target.ToString(),
                Target.Key?.Columns, [], false, "the table does not exist on the source");
        var notes = new List<string>();
        if (!SameColumns)
            notes.Add($"the columns differ (see the schema differences); rows compared on the {Columns.Count} common columns");
        if (_source != _target && RowNote() is { } note) notes.Add(note);
        var equal = SameColumns && _source == _target;
        return new TableVerdict(DisplayName, equal ? TableVerdict.Equal : TableVerdict.Different, _source.Rows, _target.Rows,
            _source.ToString(), _target.ToString(), Source.Key?.Columns, _locator?.Found ?? [], _locator?.Truncated ?? false,
            notes.Count > 0 ? string.Join("; ", notes) : null);
    }

    string? RowNote()
    {
        if (Source!.Key is null)
            return "rows can't be pinpointed: the table has no primary key and no unique index on NOT NULL columns, so a row " +
                   "has no identity to match on both sides; only the counts and checksums are compared";
        if (!CanLocate) return "rows can't be pinpointed: the target lacks key columns";
        if (_locator is { Found.Count: 0 }) return "the checksums differ but no differing row was found by key";
        return null;
    }
}
