namespace PgMove.Replication;

/// <summary>
/// The check cutover runs once the source is fenced and everything is applied. Seam for the full verifier
/// (src/PgMove/Verify: counts and checksums per table); <see cref="RowCountVerifier"/> stands in until then.
/// </summary>
public interface ICutoverVerifier
{
    /// <summary>Compares the tables on both sides; returns one line per difference (empty when equal).</summary>
    Task<IReadOnlyList<string>> VerifyAsync(string sourceConnectionString, string targetConnectionString,
        IReadOnlyList<(string Schema, string Name)> tables, CancellationToken ct);
}
