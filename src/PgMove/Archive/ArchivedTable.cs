using PgMove.Catalog;

namespace PgMove.Archive;

/// <summary>A table of the archive: what the copy's plan knows of it, and the file holding its rows.</summary>
/// <param name="Table">The table as read from the source's catalog.</param>
/// <param name="File">The data file's name, relative to the archive directory.</param>
public sealed record ArchivedTable(TableInfo Table, string File);
