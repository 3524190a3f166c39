using PgMove.Replication;

namespace PgMove.Tests.Replication;

/// <summary>The net effect per key that the batched apply writes: what one statement per change would have left.</summary>
public sealed class ChangeFolderTests
{
    static readonly ApplyTable Keyed = new("public", "t", "sig", ["id", "v", "big"], ["integer", "text", "text"],
        [true, false, false], [false, false, false]);
    static readonly ApplyTable Keyless = new("public", "h", "sig", ["a"], ["integer"], [false], [false]);

    static RowImage Row(string id, string? v, string? big = "b", bool bigUnchanged = false) =>
        new([id, v, bigUnchanged ? null : big], bigUnchanged ? [false, false, true] : null);

    static RowImage Key(string id) => new([id, null, null], null);

    [Fact]
    public void Insert_update_delete_of_one_key_folds_to_nothing()
    {
        var folded = ChangeFolder.Fold(Keyed, [
            new InsertChange(Keyed, Row("1", "a")), new UpdateChange(Keyed, null, false, Row("1", "b")), new DeleteChange(Keyed, Key("1"), false)])!;
        Assert.Empty(folded.Deletes);
        Assert.Empty(folded.Updates);
        Assert.Empty(folded.Inserts);
    }

    [Fact]
    public void Repeated_updates_keep_the_last_image_and_fill_unsent_toast_from_earlier_ones()
    {
        var folded = ChangeFolder.Fold(Keyed, [
            new UpdateChange(Keyed, null, false, Row("1", "a", "B1")),
            new UpdateChange(Keyed, null, false, Row("1", "b", bigUnchanged: true)),
            new UpdateChange(Keyed, null, false, Row("2", "x", bigUnchanged: true))])!;
        Assert.Equal(2, folded.Updates.Count);
        Assert.Equal("1|b|B1", string.Join("|", folded.Updates[0].Values));
        Assert.Null(folded.Updates[0].Unchanged);
        Assert.True(folded.Updates[1].IsUnchanged(2)); // not known: sent as a statement that leaves it alone
    }

    [Fact]
    public void Delete_then_insert_of_a_key_deletes_then_inserts()
    {
        var folded = ChangeFolder.Fold(Keyed, [new DeleteChange(Keyed, Key("1"), false), new InsertChange(Keyed, Row("1", "new"))])!;
        Assert.Equal("1", Assert.Single(folded.Deletes).Values[0]);
        Assert.Equal("new", Assert.Single(folded.Inserts).Values[1]);
        Assert.Empty(folded.Updates);
    }

    [Fact]
    public void A_key_change_deletes_the_old_key_and_inserts_the_new_row()
    {
        var folded = ChangeFolder.Fold(Keyed, [
            new UpdateChange(Keyed, Key("1"), false, Row("5", "a")), new UpdateChange(Keyed, null, false, Row("5", "b"))])!;
        Assert.Equal("1", Assert.Single(folded.Deletes).Values[0]);
        Assert.Equal("5|b|b", string.Join("|", Assert.Single(folded.Inserts).Values));
        Assert.Empty(folded.Updates);
    }

    [Fact]
    public void A_swap_of_two_keys_through_a_third_folds_to_deletes_and_inserts()
    {
        // 1 -> 3, 2 -> 1, 3 -> 2: both rows exchange keys.
        var folded = ChangeFolder.Fold(Keyed, [
            new UpdateChange(Keyed, Key("1"), false, Row("3", "one")), new UpdateChange(Keyed, Key("2"), false, Row("1", "two")),
            new UpdateChange(Keyed, Key("3"), false, Row("2", "one"))])!;
        Assert.Equal(["1", "2"], folded.Deletes.Select(d => d.Values[0]).Order());
        Assert.Equal(["1:two", "2:one"], folded.Inserts.Select(i => i.Values[0] + ":" + i.Values[1]).Order());
    }

    [Fact]
    public void What_cannot_be_folded_is_left_to_statements()
    {
        // A key change whose unsent TOAST value is not known, an update after a delete, images of REPLICA IDENTITY FULL.
        Assert.Null(ChangeFolder.Fold(Keyed, [new UpdateChange(Keyed, Key("1"), false, Row("2", "a", bigUnchanged: true))]));
        Assert.Null(ChangeFolder.Fold(Keyed, [new DeleteChange(Keyed, Key("1"), false), new UpdateChange(Keyed, null, false, Row("1", "a"))]));
        Assert.Null(ChangeFolder.Fold(Keyed, [new DeleteChange(Keyed, Row("1", "a"), true)]));
        Assert.Null(ChangeFolder.Fold(Keyless, [new DeleteChange(Keyless, new RowImage(["1"], null), true)]));
        Assert.Equal(2, ChangeFolder.Fold(Keyless, [
            new InsertChange(Keyless, new RowImage(["1"], null)), new InsertChange(Keyless, new RowImage(["1"], null))])!.Inserts.Count);
    }
}
