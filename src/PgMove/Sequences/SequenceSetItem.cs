using System.Text;
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
        IReadOnlyList<SequenceInfo> sequences;
        var (source, sourceTx) = await context.OpenSourceInSnapshotAsync(ct);
        await using (source)
        await using (sourceTx)
            sequences = await SequenceCatalog.ReadAsync(source, ct);

        await using var target = await context.OpenTargetAsync(ct);
        foreach (var batch in sequences.Chunk(500))
        {
            var sql = new StringBuilder();
            foreach (var s in batch)
                sql.Append($"SELECT pg_catalog.setval({Quote.Literal(s.QualifiedName)}, {s.LastValue}, {(s.IsCalled ? "true" : "false")});");
            await PgSession.ExecuteAsync(target, sql.ToString(), ct);
        }
        progress(sequences.Count, 0);
        return new WorkResult(sequences.Count, 0);
    }
}
