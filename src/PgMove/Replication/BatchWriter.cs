using System.Diagnostics;
using Npgsql;
using Npgsql.Replication;
using NpgsqlTypes;

namespace PgMove.Replication;

/// <summary>
/// The applier's target session: writes <see cref="PreparedBatch"/>es inside the group's target transaction and
/// commits it with the replication origin moved to the last source commit, atomically with the data (exactly once).
/// A batch's changes go set-based (<see cref="SetApplier"/>) under a savepoint; when that fails on a unique
/// constraint other than the key (swapped between rows, say), or the changes cannot be folded, they go one statement
/// per change, in order. The source is told it may recycle WAL only once the commit carrying that position is
/// durable: commits inside a backlog are asynchronous (no flush wait), and the next synchronous one (when the stream
/// has nothing more ready, at least every <see cref="ConfirmEvery"/>, and before a stop) flushes them all and confirms.
/// </summary>
internal sealed class BatchWriter(NpgsqlConnection target, LogicalReplicationConnection source, SyncProgress progress) : IAsyncDisposable
{
    const int StatementsPerRoundTrip = 500;
    /// <summary>
    /// How often a commit waits for its flush and confirms, when the stream is never idle: a steady load's lag saws
    /// within this much WAL (a second's worth, 1.2 MB at pgbench's 2,000 tps, was over the 1 MB aim).
    /// </summary>
    public static readonly TimeSpan ConfirmEvery = TimeSpan.FromMilliseconds(250);

    readonly SetApplier _sets = new(target);
    readonly Stopwatch _sinceConfirm = Stopwatch.StartNew();
    NpgsqlTransaction? _transaction;
    volatile bool _unconfirmed; // an asynchronous commit not yet covered by a synchronous one

    /// <summary>The position last confirmed to the source (read by the applier only between writes).</summary>
    public NpgsqlLogSequenceNumber Acknowledged { get; private set; }

    /// <summary>Nothing is open and every commit is confirmed: what the source sent past the last commit may be confirmed too.</summary>
    public bool Settled => _transaction is null && !_unconfirmed;

    /// <summary>Whether the next commit should wait for its flush (and confirm): <see cref="ConfirmEvery"/> has passed since the last.</summary>
    public bool ConfirmDue => _sinceConfirm.Elapsed >= ConfirmEvery;

    /// <summary>Writes the batches inside the group's transaction (opened by the first).</summary>
    public async Task WriteAsync(IReadOnlyList<PreparedBatch> batches, CancellationToken ct)
    {
        _transaction ??= await target.BeginTransactionAsync(ct);
        foreach (var batch in batches)
            if (batch.Truncate is { } truncate) await WriteStatementsAsync([truncate], ct);
            else await WriteBatchAsync(batch, ct);
    }

    async Task WriteBatchAsync(PreparedBatch batch, CancellationToken ct)
    {
        try
        {
            // The savepoint, every table's DELETEs and UPDATEs in one round trip; then the new rows, a COPY each.
            var missed = await _sets.ModifyAsync(_transaction!, "SAVEPOINT pgmove_batch", batch.Tables.Select(t => t.Set).OfType<SetWork>(), ct);
            foreach (var table in batch.Tables)
            {
                if (table.Set is { } work) await _sets.InsertAsync(table.Table, work, ct);
                else await WriteStatementsAsync(table.Changes, ct);
            }
            progress.Missed += missed;
            await _transaction!.ReleaseAsync("pgmove_batch", ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ExclusionViolation)
        {
            await _transaction!.RollbackAsync("pgmove_batch", ct);
            await WriteStatementsAsync(batch.Changes, ct);
        }
    }

    /// <summary>The changes one statement each, in order, a few hundred a round trip.</summary>
    async Task WriteStatementsAsync(IReadOnlyList<Change> changes, CancellationToken ct)
    {
        var pending = new List<(NpgsqlBatchCommand Command, bool MustMatchOne)>();
        foreach (var change in changes)
        {
            switch (change)
            {
                case InsertChange insert:
                    pending.Add((insert.Table.Insert(insert.New), false));
                    break;
                case UpdateChange update when update.Table.Update(update.Old, update.OldIsFull, update.New) is { } command:
                    pending.Add((command, true));
                    break;
                case DeleteChange delete:
                    pending.Add((delete.Table.Delete(delete.Old, delete.OldIsFull), true));
                    break;
                case TruncateChange truncate:
                    var sql = $"TRUNCATE ONLY {string.Join(", ", truncate.Tables.Select(t => t.QualifiedName))}" +
                              (truncate.RestartIdentity ? " RESTART IDENTITY" : "") + (truncate.Cascade ? " CASCADE" : "");
                    pending.Add((new NpgsqlBatchCommand(sql), false));
                    break;
            }
            if (pending.Count >= StatementsPerRoundTrip) await SendAsync(pending, ct);
        }
        await SendAsync(pending, ct);
    }

    async Task SendAsync(List<(NpgsqlBatchCommand Command, bool MustMatchOne)> pending, CancellationToken ct)
    {
        if (pending.Count == 0) return;
        await using var batch = new NpgsqlBatch(target, _transaction);
        foreach (var (command, _) in pending) batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(ct);
        foreach (var (command, mustMatchOne) in pending)
            if (mustMatchOne && command.RecordsAffected == 0) progress.Missed++;
        pending.Clear();
    }

    /// <summary>
    /// Commits the group with its origin position. <paramref name="durable"/>: waits for the flush, then tells the
    /// source it may recycle that WAL (a flush covers every earlier commit of the session); otherwise commits
    /// without waiting and confirms nothing yet.
    /// </summary>
    public async Task CommitAsync(CommitChange last, int transactions, long changes, bool durable, CancellationToken ct)
    {
        _transaction ??= await target.BeginTransactionAsync(ct);
        // Every group moves the origin, also one that wrote nothing (the cutover's fence, or UPDATEs that matched no
        // row): that needs a commit record, which only a transaction with an xid writes.
        await using (var batch = new NpgsqlBatch(target, _transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT txid_current()"),
                new NpgsqlBatchCommand("SELECT pg_replication_origin_xact_setup($1, $2)")
                {
                    Parameters = { new() { Value = last.EndLsn, NpgsqlDbType = NpgsqlDbType.PgLsn }, new() { Value = last.CommitTime, NpgsqlDbType = NpgsqlDbType.TimestampTz } },
                },
                new NpgsqlBatchCommand(durable ? "SET LOCAL synchronous_commit = on" : "SET LOCAL synchronous_commit = off"),
            },
        })
            await batch.ExecuteNonQueryAsync(ct);
        await _transaction.CommitAsync(ct);
        await _transaction.DisposeAsync();
        _transaction = null;
        progress.Applied(last.EndLsn, last.CommitTime, transactions, changes);
        if (durable) Confirm(last.EndLsn);
        else _unconfirmed = true;
    }

    /// <summary>Tells the source every change up to <paramref name="lsn"/> is applied and durable.</summary>
    public void Confirm(NpgsqlLogSequenceNumber lsn)
    {
        source.SetReplicationStatus(lsn);
        Acknowledged = lsn;
        _unconfirmed = false;
        _sinceConfirm.Restart();
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync();
    }
}
