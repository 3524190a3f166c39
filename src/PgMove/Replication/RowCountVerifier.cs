using PgMove.Catalog;
using PgMove.Connections;

namespace PgMove.Replication;

/// <summary>The simplest cutover check: the exact row count of every replicated table is the same on both sides.</summary>
public sealed class RowCountVerifier : ICutoverVerifier
{
    public async Task<IReadOnlyList<string>> VerifyAsync(string sourceConnectionString, string targetConnectionString,
        IReadOnlyList<(string Schema, string Name)> tables, CancellationToken ct)
    {
        await using var source = await PgSession.OpenAsync(sourceConnectionString, Side.Source, "source", ct);
        await using var target = await PgSession.OpenAsync(targetConnectionString, Side.Target, "target", ct);
        var differences = new List<string>();
        foreach (var (schema, name) in tables)
        {
            var expected = await ReplicationCatalog.CountRowsAsync(source, schema, name, ct);
            var actual = await ReplicationCatalog.CountRowsAsync(target, schema, name, ct);
            if (expected != actual) differences.Add($"{schema}.{name}: {expected} rows on the source, {actual} on the target");
        }
        return differences;
    }
}
