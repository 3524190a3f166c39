using PgMove.Connections;

namespace PgMove.Verify;

/// <summary>What <c>pgmove verify</c> was asked to do.</summary>
public sealed record VerifyOptions
{
    public required ConnectionSpec Source { get; init; }
    /// <summary>The target; when it names no database, the source's database name is used (as copy does).</summary>
    public required ConnectionSpec Target { get; init; }
    /// <summary>Parallel sessions per side for checksums and row location.</summary>
    public int Jobs { get; init; } = 4;
    /// <summary>Differing rows reported per table at most.</summary>
    public int MaxRows { get; init; } = 20;
    /// <summary>Also compare owners and privileges.</summary>
    public bool Acl { get; init; }
    /// <summary>
    /// A snapshot exported on the source by someone else (e.g. the online cutover at its fence point, whose
    /// exporting transaction must stay open until verify returns). Null: verify exports its own snapshot.
    /// Verifying a source that is being written is only meaningful at such a fence: outside of one, the target
    /// lags the snapshot and differences are expected.
    /// </summary>
    public string? SourceSnapshot { get; init; }
    /// <summary>The same for the target (e.g. exported once the applier has reached the fence); null: verify exports one.</summary>
    public string? TargetSnapshot { get; init; }
    /// <summary>
    /// Database-level settings (ALTER DATABASE … SET) left out of the comparison, e.g. the
    /// default_transaction_read_only that a cutover's fence sets on the source.
    /// </summary>
    public IReadOnlySet<string> IgnoredDatabaseSettings { get; init; } = new HashSet<string>();
    /// <summary>Compare row counts only, not content checksums (the cheapest data check).</summary>
    public bool CountsOnly { get; init; }
    /// <summary>
    /// Compare sequences' current values. Off for the cutover's verification: the target's applications may use
    /// its sequences as soon as it is released, and the cutover checked their values before that.
    /// </summary>
    public bool CompareSequenceValues { get; init; } = true;
    /// <summary>Tables larger than this many blocks are checksummed in block ranges of this size, in parallel.</summary>
    public long PartPages { get; init; } = 16384;
    /// <summary>Compare only what these filters moved (see SelectionScope); everything by default.</summary>
    public Filters.FilterOptions Filters { get; init; } = new();
    /// <summary>Row location stops bisecting when a key range holds at most this many rows on each side.</summary>
    public int LeafRows { get; init; } = 500;
}
