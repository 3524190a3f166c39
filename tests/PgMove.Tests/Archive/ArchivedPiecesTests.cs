using System.Text.Json;
using PgMove.Archive;
using PgMove.Catalog;
using PgMove.Schema;

namespace PgMove.Tests.Archive;

/// <summary>The manifest's record of a schema in pieces: what restore reads back is what the dump cut.</summary>
public sealed class ArchivedPiecesTests
{
    static DumpTableCatalog.DumpTable Table(uint oid, string name, uint root = 0) => new(oid, "s", name, root == 0 ? oid : root, []);

    [Fact]
    public void Pieces_survive_the_manifest_and_an_unsplit_schema_is_left_out_as_in_older_archives()
    {
        var extras = new SplitTableExtras(
            [new TableExtrasCatalog.StatisticsObject("s", "st", "s", "CREATE STATISTICS s.st ON a, b FROM s.t", 500, "owner", "a comment")],
            [new TableExtrasCatalog.PublicationMember("pub", "s", "t", ["a"], "a > 3")]);
        var cut = DumpPieces.Split([Table(1, "t"), Table(2, "parent"), Table(3, "child", 2), Table(4, "u")], 2,
            new HashSet<(uint, uint)> { (1259, 99), (1255, 7) }, extras);

        var json = JsonSerializer.Serialize(ArchivedPieces.Of(cut));
        var read = ArchivedPieces.ToPieces(JsonSerializer.Deserialize<ArchivedPieces>(json));

        Assert.Equal(cut.Selections, read.Selections);
        Assert.Equal(cut.PieceOfTable.OrderBy(p => p.Key), read.PieceOfTable.OrderBy(p => p.Key));
        Assert.Equal(cut.Deferred.Order(), read.Deferred.Order());
        Assert.Equal(cut.LargestPiece, read.LargestPiece);
        Assert.Equal(cut.Extras.Statements(noOwner: false), read.Extras.Statements(noOwner: false));
        Assert.Equal(["schema.dump", "schema.dump.1", "schema.dump.2", "schema.dump.3"], ArchivedPieces.Files(read));

        Assert.Null(ArchivedPieces.Of(DumpPieces.Whole));
        Assert.False(ArchivedPieces.ToPieces(null).IsSplit);
        Assert.Equal(["schema.dump"], ArchivedPieces.Files(DumpPieces.Whole));
    }
}
