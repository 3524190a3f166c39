using System.Text;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Sequences;

/// <summary>Sets every target sequence to the source's last_value and is_called, read inside the run's snapshot.</summary>
/// <param name="selection">The filters' selection: only the sequences it moves are set (null: all).</param>
public sealed class SequenceSetItem(Filters.Selection? selection = null) : WorkItem("sequences", WorkItemKind.Sequences, "set sequences")
{
    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var (source, sourceTx) = await context.OpenSourceInSnapshotAsync(ct);
        await using (source)
        await using (sourceTx)
        {
            await using var target = await context.OpenTargetAsync(ct);
            var count = await CopyAsync(source, target, ct, selection, sourceInTransaction: true);
            progress(count, 0);
            return new WorkResult(count, 0);
        }
    }

    /// <summary>Reads the sequences on <paramref name="source"/> and sets them on <paramref name="target"/>; returns how many.</summary>
    /// <param name="source">The source session.</param>
    /// <param name="target">The target session, outside a transaction: each batch of setval commits on its own.</param>
    /// <param name="ct">Cancels the statements.</param>
    /// <param name="selection">Only the sequences it moves are set (null: all).</param>
    /// <param name="sourceInTransaction">The source session is inside a transaction (see SequenceCatalog.ReadAsync).</param>
    public static async Task<int> CopyAsync(NpgsqlConnection source, NpgsqlConnection target, CancellationToken ct,
        Filters.Selection? selection = null, bool sourceInTransaction = false)
    {
        var sequences = (await SequenceCatalog.ReadAsync(source, ct, sourceInTransaction))
            .Where(s => selection?.IncludesName(s.Schema, s.Name) ?? true).ToList();
        await SetAsync(target, sequences, ct);
        return sequences.Count;
    }

    /// <summary>Sets <paramref name="sequences"/> on <paramref name="target"/> (setval, in batches).</summary>
    /// <param name="target">A target session.</param>
    /// <param name="sequences">The values to set.</param>
    /// <param name="ct">Stops the statements.</param>
    public static async Task SetAsync(NpgsqlConnection target, IReadOnlyList<SequenceInfo> sequences, CancellationToken ct)
    {
        foreach (var batch in sequences.Chunk(500))
        {
            var sql = new StringBuilder();
            foreach (var s in batch)
                sql.Append($"SELECT pg_catalog.setval({Quote.Literal(s.QualifiedName)}, {s.LastValue}, {(s.IsCalled ? "true" : "false")});");
            await PgSession.ExecuteAsync(target, sql.ToString(), ct);
        }
    }
}
