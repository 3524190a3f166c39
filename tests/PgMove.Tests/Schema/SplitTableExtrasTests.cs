using PgMove.Catalog;
using PgMove.Schema;

namespace PgMove.Tests.Schema;

/// <summary>The statements that give back what a schema dump in pieces loses, written as pg_dump writes them.</summary>
public sealed class SplitTableExtrasTests
{
    static readonly SplitTableExtras Extras = new(
        [
            new TableExtrasCatalog.StatisticsObject("Odd \"schema\"", "st", "Odd \"schema\"",
                "CREATE STATISTICS \"Odd \"\"schema\"\"\".st (ndistinct) ON a, b FROM \"Odd \"\"schema\"\"\".t", 500, "Owner", "it's here"),
            new TableExtrasCatalog.StatisticsObject("public", "plain", "public", "CREATE STATISTICS public.plain ON a, b FROM public.u", null, "app", null),
        ],
        [
            new TableExtrasCatalog.PublicationMember("Pub", "public", "u", ["id", "Label"], "id > 3"),
            new TableExtrasCatalog.PublicationMember("all", "public", "u", null, null),
        ]);

    [Fact]
    public void Statistics_get_target_owner_and_comment_and_memberships_their_columns_and_filter()
    {
        Assert.Equal(
        [
            "CREATE STATISTICS \"Odd \"\"schema\"\"\".st (ndistinct) ON a, b FROM \"Odd \"\"schema\"\"\".t",
            "ALTER STATISTICS \"Odd \"\"schema\"\"\".\"st\" SET STATISTICS 500",
            "ALTER STATISTICS \"Odd \"\"schema\"\"\".\"st\" OWNER TO \"Owner\"",
            "COMMENT ON STATISTICS \"Odd \"\"schema\"\"\".\"st\" IS 'it''s here'",
            "CREATE STATISTICS public.plain ON a, b FROM public.u",
            "ALTER STATISTICS \"public\".\"plain\" OWNER TO \"app\"",
            "ALTER PUBLICATION \"Pub\" ADD TABLE ONLY \"public\".\"u\" (\"id\", \"Label\") WHERE (id > 3)",
            "ALTER PUBLICATION \"all\" ADD TABLE ONLY \"public\".\"u\"",
        ], Extras.Statements(noOwner: false));
    }

    [Fact]
    public void No_owner_leaves_out_the_owners()
    {
        var statements = Extras.Statements(noOwner: true);
        Assert.DoesNotContain(statements, s => s.Contains("OWNER TO", StringComparison.Ordinal));
        Assert.Equal(6, statements.Count);
    }
}
