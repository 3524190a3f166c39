namespace PgMove.Archive.PgDumpDirectory;

/// <summary>One entry of a pg_dump archive's table of contents (pg_backup_archiver.c, ReadToc).</summary>
/// <param name="DumpId">The entry's dump ID; data files are named after it.</param>
/// <param name="CatalogOid">The system catalog the object lives in (pg_class, pg_constraint…), 0 for data entries.</param>
/// <param name="Oid">The object's OID on the dumped server.</param>
/// <param name="Tag">The object's name (for a constraint: "table name").</param>
/// <param name="Desc">The entry's type: TABLE, TABLE DATA, INDEX, SEQUENCE SET, BLOBS…</param>
/// <param name="Section">Which section it belongs to.</param>
/// <param name="Definition">The SQL that creates the object (empty for table data).</param>
/// <param name="CopyStatement">For table data: the <c>COPY … FROM stdin;</c> its file is loaded with.</param>
/// <param name="Namespace">The object's schema, or null.</param>
/// <param name="Owner">The object's owner, or null.</param>
/// <param name="Dependencies">The dump IDs of the entries it depends on.</param>
/// <param name="FileName">Directory format: the entry's data file (before any compression suffix), or null.</param>
public sealed record TocEntry(
    int DumpId,
    uint CatalogOid,
    uint Oid,
    string Tag,
    string Desc,
    TocSection Section,
    string Definition,
    string? CopyStatement,
    string? Namespace,
    string? Owner,
    IReadOnlyList<int> Dependencies,
    string? FileName);
