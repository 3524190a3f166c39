using PgMove.Connections;
using PgMove.Progress;
using PgMove.Verify;

namespace PgMove.Replication;

/// <summary>
/// Cutover's check: <c>pgmove verify</c> on the fenced source and the caught-up target (schema, sequences, row counts
/// and order-independent checksums of every table), with up to a few differing rows named per table.
/// </summary>
public sealed class ChecksumCutoverVerifier(int jobs) : ICutoverVerifier
{
    public async Task<IReadOnlyList<string>> VerifyAsync(ConnectionSpec source, ConnectionSpec target, IProgressSink sink, CancellationToken ct)
    {
        var report = await new VerifyRunner(new VerifyOptions
        {
            Source = source, Target = target, Jobs = jobs, MaxRows = 3,
            IgnoredDatabaseSettings = new HashSet<string> { "default_transaction_read_only" }, // the fence itself
        }, sink).RunAsync(ct);
        return report.SchemaDifferences.Select(d => $"{d.Kind} {d.Name}: {d.Difference}")
            .Concat(report.Tables.Where(t => t.Status != TableVerdict.Equal).Select(t =>
                $"{t.Table}: {t.Status} ({t.SourceRows} rows on the source, {t.TargetRows} on the target)"))
            .ToList();
    }
}
