using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Progress;
using PgMove.Verify;

namespace PgMove.Instance;

/// <summary>
/// <c>pgmove verify --all-databases</c>: every database <c>copy --all-databases</c> moves (the same
/// <see cref="InstanceDatabases"/> rule) compared with its namesake on the target, one after the other, each with
/// --jobs sessions per side. A database missing on the target is a difference.
/// </summary>
public sealed class InstanceVerifyRunner(VerifyOptions options, IProgressSink sink)
{
    /// <summary>Each database's report (null when the target lacks it), and the skipped databases.</summary>
    /// <param name="ct">Cancels the comparison.</param>
    public async Task<(IReadOnlyList<(string Database, VerifyReport? Report)> Databases, IReadOnlyList<string> Skipped)> RunAsync(CancellationToken ct)
    {
        var selection = await InstanceDatabases.ReadAsync(options.Source, sink, ct);
        HashSet<string> onTarget;
        await using (var maintenance = await MaintenanceSession.OpenAsync(options.Target, ct))
            onTarget = (await InstanceCatalog.ReadDatabasesAsync(maintenance, ct)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var result = new List<(string, VerifyReport?)>();
        foreach (var database in selection.Moved)
            result.Add((database, onTarget.Contains(database)
                ? await new VerifyRunner(options with { Source = options.Source.WithDatabase(database), Target = options.Target.WithDatabase(database) }, sink).RunAsync(ct)
                : null));
        return (result, selection.Skipped);
    }
}
