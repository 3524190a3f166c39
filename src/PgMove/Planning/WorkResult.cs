namespace PgMove.Planning;

/// <summary>What an item moved: rows and bytes (zero for items that move none).</summary>
public readonly record struct WorkResult(long Rows, long Bytes)
{
    public static readonly WorkResult None = new(0, 0);
}
