using PgMove.Catalog;

namespace PgMove.Data;

/// <summary>
/// Where a data item reads a table's rows when they do not come from the source server: an archive written by
/// <c>pgmove dump</c>. The stream holds what <c>COPY … TO STDOUT</c> sent for the whole table, in the format the
/// table's <see cref="TableInfo.BinarySafe"/> chooses, so the target half of the load is the copy's own.
/// </summary>
public interface IRowSource
{
    /// <summary>Opens the rows of <paramref name="table"/>; fails, naming the file, when they cannot be trusted.</summary>
    /// <param name="table">The table whose rows are read.</param>
    /// <param name="ct">Stops the checks and the read.</param>
    Task<Stream> OpenAsync(TableInfo table, CancellationToken ct);
}
