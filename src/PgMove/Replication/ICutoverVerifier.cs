using PgMove.Connections;
using PgMove.Progress;

namespace PgMove.Replication;

/// <summary>
/// The check cutover runs once the source is fenced and everything up to the fence is applied;
/// <see cref="ChecksumCutoverVerifier"/> (pgmove verify: schema, counts and checksums) is the one sync uses.
/// </summary>
public interface ICutoverVerifier
{
    /// <summary>Compares the two databases; returns one line per difference (empty when equal).</summary>
    Task<IReadOnlyList<string>> VerifyAsync(ConnectionSpec source, ConnectionSpec target, IProgressSink sink, CancellationToken ct);
}
