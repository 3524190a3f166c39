using PgMove.Replication;

namespace PgMove.Tests.Replication;

/// <summary>The set-based statements over arrays: keys first, every value cast to the target's type, quoted names.</summary>
public sealed class SetSqlTests
{
    static readonly ApplyTable Table = new("s", "Odd \"T\"", "sig", ["k1", "v", "K 2", "id"], ["integer", "character(84)", "text", "bigint"],
        [true, false, true, false], [false, false, false, true]);

    [Fact]
    public void Delete_joins_the_composite_key_from_one_array_per_key_column()
    {
        Assert.Equal("DELETE FROM ONLY \"s\".\"Odd \"\"T\"\"\" AS t USING unnest($1::text[], $2::text[]) AS u(c0, c2) " +
                     "WHERE t.\"k1\" = u.c0::integer AND t.\"K 2\" = u.c2::text", SetSql.Delete(Table));
    }

    [Fact]
    public void Update_sets_only_the_given_columns_with_the_key_arrays_first()
    {
        Assert.Equal("UPDATE ONLY \"s\".\"Odd \"\"T\"\"\" AS t SET \"v\" = u.c1::character(84) " +
                     "FROM unnest($1::text[], $2::text[], $3::text[]) AS u(c0, c2, c1) WHERE t.\"k1\" = u.c0::integer AND t.\"K 2\" = u.c2::text",
            SetSql.Update(Table, [1]));
    }

    [Fact]
    public void Render_groups_updates_by_the_columns_they_send_and_leaves_out_identity_always()
    {
        var full = new RowImage(["1", "a", "x", "9"], null);
        var unsent = new RowImage(["2", null, "y", "9"], [false, true, false, false]);
        var work = SetWork.Render(Table, new FoldedChanges([new RowImage(["3", null, "z", null], null)], [full, unsent, full with { }], []));
        Assert.Equal(2, work.Statements.Count); // the DELETE, one UPDATE of v; the image without v sets nothing
        Assert.StartsWith("DELETE", work.Statements[0].Sql);
        Assert.Equal("3", string.Join("|", work.Statements[0].Arrays[0]));
        Assert.Equal("z", string.Join("|", work.Statements[0].Arrays[1]));
        Assert.Equal(2, work.Statements[1].Rows);
        Assert.Equal("a|a", string.Join("|", work.Statements[1].Arrays[2]));
        Assert.Null(work.InsertText);
    }
}
