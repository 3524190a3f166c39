using System.Text;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Planning;
using PgMove.Sql;

namespace PgMove.Sequences;

/// <summary>Sets every target sequence to the source's last_value and is_called, read inside the run's snapshot.</summary>
public sealed class SequenceSetItem() : WorkItem("sequences", WorkItemKind.Sequences, "set sequences")
{
    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        var (source, sourceTx) = await context.OpenSourceInSnapshotAsync(ct);
        await using (source)
        await using (sourceTx)
        {
            await using var target = await context.OpenTargetAsync(ct);
            var count = await CopyAsync(source, target, ct);
            progress(count, 0);
            return new WorkResult(count, 0);
        }
    }

    /// <summary>Reads the sequences on <paramref name="source"/> and sets them on <paramref name="target"/>; returns how many.</summary>
    public static async Task<int> CopyAsync(NpgsqlConnection source, NpgsqlConnection target, CancellationToken ct)
    {
        var sequences = await SequenceCatalog.ReadAsync(source, ct);
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
