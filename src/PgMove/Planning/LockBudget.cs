using Npgsql;
using PgMove.Catalog;

namespace PgMove.Planning;

/// <summary>
/// How many table locks pgmove lets itself hold on a server at one moment. PostgreSQL keeps every session's locks in
/// one shared table of max_locks_per_transaction × (max_connections + autovacuum workers + 1 + worker processes +
/// WAL senders + prepared transactions) entries; a transaction that needs one more fails with 53200 "out of shared
/// memory". pgmove takes at most half of it, leaving the rest to the applications: when the tables fit a quarter, the
/// copy's snapshot holder and its schema dump each lock them all; when they do not, the holder locks none and the
/// dump is made in pieces of up to half (<see cref="SplitPieceTables"/>), one piece at a time (each piece's pg_dump
/// reads the whole catalog again: 10,000 tables in 7 pieces of a quarter spent 2.5 s more than in 4 of half).
/// The one rule copy, dump, sync and check ask.
/// </summary>
/// <param name="LocksPerTransaction">max_locks_per_transaction.</param>
/// <param name="Slots">The sessions and prepared transactions the table is sized for.</param>
public sealed record LockBudget(int LocksPerTransaction, int Slots)
{
    /// <summary>Test knob: a piece size forced smaller than the rule's, so small databases take the split path.</summary>
    public const string PieceEnvironment = "PGMOVE_TEST_LOCK_PIECE";

    /// <summary>Entries of the server's shared lock table.</summary>
    public long Capacity => (long)LocksPerTransaction * Slots;

    /// <summary>The most tables one pgmove session or pg_dump may lock while another holds as many: a quarter.</summary>
    public int PieceTables => Forced ?? (int)Math.Max(1, Math.Min(int.MaxValue, Capacity / 4));

    /// <summary>
    /// The most tables one piece of a dump in pieces may lock: half, since the snapshot holder then locks none
    /// (pieces are dumped one after the other, and piece 0 locks no table).
    /// </summary>
    public int SplitPieceTables => Forced ?? (int)Math.Max(1, Math.Min(int.MaxValue, Capacity / 2));

    static int? Forced =>
        int.TryParse(Environment.GetEnvironmentVariable(PieceEnvironment), out var forced) && forced > 0 ? forced : null;

    /// <summary>
    /// Whether the snapshot holder may keep all <paramref name="tables"/> locked for the whole copy, and one pg_dump
    /// dump them all: each then holds that many locks at once.
    /// </summary>
    /// <param name="tables">The tables the copy reads.</param>
    public bool FitsAtOnce(int tables) => tables <= PieceTables;

    /// <summary>
    /// Tables one statement or transaction locks at most where pgmove would otherwise lock many at once (a sync's
    /// publication list, a resume's cleanup). Data sessions lock far fewer: one table, or a batch of small ones.
    /// </summary>
    public const int WorkerTables = 250;

    /// <summary>The setting that would let one piece of <paramref name="tables"/> be locked at once, for messages.</summary>
    /// <param name="tables">How many tables one piece must lock.</param>
    public int LocksPerTransactionFor(int tables) => (int)Math.Ceiling(tables * 2.0 / Slots);

    /// <summary>The numbers, for messages: "max_locks_per_transaction 64 × 122 slots = 7,808 lock entries".</summary>
    public override string ToString() => $"max_locks_per_transaction {LocksPerTransaction} × {Slots} slots = {Capacity:N0} lock entries";

    /// <summary>Reads the server's settings.</summary>
    /// <param name="connection">Any session on the server.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<LockBudget> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var (perTransaction, slots) = await LockCapacityCatalog.ReadAsync(connection, ct);
        return new LockBudget(perTransaction, slots);
    }
}
