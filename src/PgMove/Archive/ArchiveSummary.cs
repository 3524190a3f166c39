namespace PgMove.Archive;

/// <summary>What a dump wrote or a restore loaded.</summary>
/// <param name="Directory">The archive directory.</param>
/// <param name="Tables">Tables with a data file.</param>
/// <param name="Rows">Rows in those files.</param>
/// <param name="ArchiveBytes">Size of the archive's files.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="Target">For a restore: the target database; null for a dump or a check.</param>
public sealed record ArchiveSummary(string Directory, int Tables, long Rows, long ArchiveBytes, TimeSpan Elapsed, string? Target = null);
