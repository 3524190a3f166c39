using PgMove.Catalog;
using PgMove.Schema;

namespace PgMove.Archive;

/// <summary>
/// The pieces of a schema dumped in pieces (<see cref="DumpPieces"/>), as the manifest keeps them: piece N is the file
/// <c>schema.dump.N</c> (piece 0 <c>schema.dump</c>), and restore needs to know which piece holds each table, what of
/// piece 0 waits for the tables, and what no piece has.
/// </summary>
/// <param name="Selections">Each piece's pg_dump selection arguments, piece 0 first.</param>
/// <param name="PieceOfTable">The piece (1 and up) holding each table, by source OID.</param>
/// <param name="Deferred">Entries of piece 0 restored after the tables' pieces, as [catalog OID, object OID].</param>
/// <param name="Statistics">Extended statistics no piece has.</param>
/// <param name="Members">Publication memberships no piece has.</param>
public sealed record ArchivedPieces(
    IReadOnlyList<IReadOnlyList<string>> Selections,
    IReadOnlyDictionary<uint, int> PieceOfTable,
    IReadOnlyList<uint[]> Deferred,
    IReadOnlyList<TableExtrasCatalog.StatisticsObject> Statistics,
    IReadOnlyList<TableExtrasCatalog.PublicationMember> Members)
{
    /// <summary>What the manifest keeps of <paramref name="pieces"/>; null for a schema in one piece.</summary>
    /// <param name="pieces">How the dump was cut.</param>
    public static ArchivedPieces? Of(DumpPieces pieces) => !pieces.IsSplit ? null : new(pieces.Selections, pieces.PieceOfTable,
        pieces.Deferred.Select(d => new[] { d.Catalog, d.Oid }).ToList(), pieces.Extras.Statistics, pieces.Extras.Members);

    /// <summary>The pieces as the dump cut them; <see cref="DumpPieces.Whole"/> for an archive without pieces.</summary>
    /// <param name="archived">The manifest's pieces, or null.</param>
    public static DumpPieces ToPieces(ArchivedPieces? archived) => archived is null ? DumpPieces.Whole
        : DumpPieces.Of(archived.Selections, archived.Deferred.Select(d => (d[0], d[1])).ToHashSet(), archived.PieceOfTable,
            new SplitTableExtras(archived.Statistics, archived.Members));

    /// <summary>The schema's files, piece 0 first: <c>schema.dump</c>, <c>schema.dump.1</c>….</summary>
    /// <param name="pieces">How the dump was cut.</param>
    public static IEnumerable<string> Files(DumpPieces pieces) =>
        Enumerable.Range(0, pieces.Selections.Count).Select(i => DumpPieces.FileOf(ArchiveManifest.SchemaFile, i));
}
