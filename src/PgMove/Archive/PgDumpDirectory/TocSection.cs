namespace PgMove.Archive.PgDumpDirectory;

/// <summary>The section of a TOC entry, as pg_dump numbers it (teSection in pg_backup.h).</summary>
public enum TocSection
{
    /// <summary>Comments, ACLs and the like: they follow the object they belong to.</summary>
    None = 1,
    /// <summary>Types, tables, functions…</summary>
    PreData = 2,
    /// <summary>Table data, sequence values, large objects.</summary>
    Data = 3,
    /// <summary>Indexes, constraints, triggers, rules, materialized view data…</summary>
    PostData = 4,
}
