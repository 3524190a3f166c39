using System.Threading.Channels;
using Npgsql;
using PgMove.Connections;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace PgMove.Replication;

/// <summary>
/// Reads the pgoutput stream and turns it into <see cref="Change"/>s for the applier. Npgsql recycles message
/// objects, so every value is copied before the next message is read. Transactions whose commit lies before
/// <c>resumeAfter</c> (already applied, per the target's replication origin) are dropped here: exactly once.
/// </summary>
internal sealed class ChangeReader(
    LogicalReplicationConnection connection, string slot, string publication, NpgsqlLogSequenceNumber? resumeAfter,
    RelationResolver relations, ChannelWriter<Change> output, int sourceVersion, SyncProgress progress)
{
    long _enqueued;
    volatile bool _inTransaction;

    /// <summary>Changes handed to the applier so far.</summary>
    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>True between a Begin and its Commit: the stream is inside a transaction not yet handed over whole.</summary>
    public bool InTransaction => _inTransaction;

    /// <summary>Reads until the stream ends, a stop, or cancellation; always completes the channel.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await ReadAsync(ct);
            output.TryComplete();
        }
        catch (Exception e)
        {
            // Label stream failures as the source's, so the applier's error handling does not blame the target.
            output.TryComplete(e is NpgsqlException && !ct.IsCancellationRequested
                ? PgSession.Describe(e, Side.Source, "replication stream") : e);
        }
    }

    async Task ReadAsync(CancellationToken ct)
    {
        // Messages (PostgreSQL 14+) make pgoutput send the transaction of the cutover's fence message, which has no
        // row changes: from 15 on it would skip it as empty. Before 14 empty transactions are sent anyway.
        // The binary and messages options do not exist before 14: there they must not be sent at all.
        var options = sourceVersion >= 140000
            ? new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1, binary: false, messages: true)
            : new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1);
        var skip = false;
        await foreach (var message in connection.StartReplication(new PgOutputReplicationSlot(slot), options, ct, resumeAfter))
        {
            switch (message)
            {
                case BeginMessage begin:
                    _inTransaction = true;
                    skip = resumeAfter is { } after && begin.TransactionFinalLsn < after;
                    break;
                case RelationMessage relation:
                    var (_, stop) = await relations.ResolveAsync(relation, ct);
                    if (stop is not null)
                    {
                        await WriteAsync(new StopChange(stop), ct);
                        return;
                    }
                    break;
                case CommitMessage commit:
                    // Also for a transaction without row changes (the fence's): its commit moves the target's origin.
                    if (!skip)
                    {
                        progress.Received(commit.TransactionEndLsn, commit.TransactionCommitTimestamp);
                        await WriteAsync(new CommitChange(commit.TransactionEndLsn, commit.TransactionCommitTimestamp), ct);
                    }
                    _inTransaction = false;
                    break;
                case InsertMessage insert when !skip:
                    await WriteAsync(new InsertChange(relations.Get(insert.Relation.RelationId), await ReadRowAsync(insert.NewRow, ct)), ct);
                    break;
                case UpdateMessage update when !skip:
                    await WriteAsync(await ReadUpdateAsync(update, ct), ct);
                    break;
                case KeyDeleteMessage delete when !skip:
                    await WriteAsync(new DeleteChange(relations.Get(delete.Relation.RelationId), await ReadRowAsync(delete.Key, ct), false), ct);
                    break;
                case FullDeleteMessage delete when !skip:
                    await WriteAsync(new DeleteChange(relations.Get(delete.Relation.RelationId), await ReadRowAsync(delete.OldRow, ct), true), ct);
                    break;
                case TruncateMessage truncate when !skip:
                    await WriteAsync(new TruncateChange(
                        truncate.Relations.Select(r => relations.Get(r.RelationId)).ToList(),
                        truncate.Options.HasFlag(TruncateMessage.TruncateOptions.Cascade),
                        truncate.Options.HasFlag(TruncateMessage.TruncateOptions.RestartIdentity)), ct);
                    break;
            }
        }
    }

    async ValueTask<Change> ReadUpdateAsync(UpdateMessage update, CancellationToken ct)
    {
        var table = relations.Get(update.Relation.RelationId);
        // The old image comes first in the message: read it before the new row.
        switch (update)
        {
            case FullUpdateMessage full:
                var oldFull = await ReadRowAsync(full.OldRow, ct);
                return new UpdateChange(table, oldFull, true, await ReadRowAsync(full.NewRow, ct));
            case IndexUpdateMessage index:
                var oldKey = await ReadRowAsync(index.Key, ct);
                return new UpdateChange(table, oldKey, false, await ReadRowAsync(index.NewRow, ct));
            default:
                return new UpdateChange(table, null, false, await ReadRowAsync(update.NewRow, ct));
        }
    }

    static async ValueTask<RowImage> ReadRowAsync(ReplicationTuple tuple, CancellationToken ct)
    {
        var values = new string?[tuple.NumColumns];
        bool[]? unchanged = null;
        var i = 0;
        await foreach (var value in tuple.WithCancellation(ct))
        {
            switch (value.Kind)
            {
                case TupleDataKind.Null:
                    break;
                case TupleDataKind.UnchangedToastedValue:
                    (unchanged ??= new bool[tuple.NumColumns])[i] = true;
                    break;
                default:
                    values[i] = await value.Get<string>(ct);
                    break;
            }
            i++;
        }
        return new RowImage(values, unchanged);
    }

    async ValueTask WriteAsync(Change change, CancellationToken ct)
    {
        await output.WriteAsync(change, ct);
        Interlocked.Increment(ref _enqueued);
    }
}
