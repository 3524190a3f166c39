namespace PgMove.Verify;

/// <summary>
/// Rows whose key is at least <see cref="Lower"/> and below <see cref="Upper"/> (null: unbounded), keys compared
/// as tuples in the key's column order. Bounds are full key values in text form, taken from rows of one side.
/// </summary>
internal sealed record KeyRange(IReadOnlyList<string>? Lower, IReadOnlyList<string>? Upper)
{
    public static readonly KeyRange All = new(null, null);
}
