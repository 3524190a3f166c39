using System.Numerics;

namespace PgMove.Verify;

/// <summary>
/// Row count and the sum of every row's 64-bit hash: independent of row order, and additive, so the checksum of
/// a table is the sum of the checksums of any partition of its rows (block ranges, key ranges).
/// </summary>
internal readonly record struct Checksum(long Rows, BigInteger Sum)
{
    public static Checksum operator +(Checksum a, Checksum b) => new(a.Rows + b.Rows, a.Sum + b.Sum);
    public static Checksum operator -(Checksum a, Checksum b) => new(a.Rows - b.Rows, a.Sum - b.Sum);
    public override string ToString() => Sum.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
