namespace PgMove.Archive;

/// <summary>One file of an archive as the manifest records it.</summary>
/// <param name="Size">Its length in bytes.</param>
/// <param name="Sha256">SHA-256 of its bytes, lower-case hex.</param>
/// <param name="Rows">For a data file: the rows it holds (large objects: the objects).</param>
/// <param name="Columns">
/// For a table's data file: the columns it holds, in order. A dump's resume keeps a finished file only while its table
/// still has them: ADD or DROP COLUMN rewrites no table, so neither its file node nor its counters tell.
/// </param>
public sealed record ArchiveFile(long Size, string Sha256, long? Rows = null, IReadOnlyList<string>? Columns = null);
