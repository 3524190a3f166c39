using PgMove.Analyze;
using PgMove.Catalog;
using PgMove.Data;
using PgMove.Planning;
using PgMove.Schema;
using PgMove.Sequences;
using PgMove.Sql;

namespace PgMove.Copy;

/// <summary>The items of an offline copy and what each waits for.</summary>
public static class CopyPlan
{
    public static IReadOnlyList<WorkItem> Build(IReadOnlyList<TableInfo> tables, long largeObjects,
        IReadOnlyList<(string Schema, string Name, long Bytes)> analyzable)
    {
        var dump = new SchemaDumpItem();
        var preData = new SchemaRestoreItem("pre-data").After(dump);
        var data = new List<WorkItem>(tables.Select(t => new TableCopyItem(t).After(preData)));
        if (largeObjects > 0) data.Add(new LargeObjectCopyItem().After(preData));
        var sequences = new SequenceSetItem().After(preData);
        var release = new SnapshotReleaseItem().After(data).After(sequences);
        var postData = new SchemaRestoreItem("post-data").After(data);
        var analyze = analyzable.Select(a =>
            new AnalyzeItem(Quote.Qualified(a.Schema, a.Name), $"{a.Schema}.{a.Name}", a.Bytes).After(postData));
        return [dump, preData, .. data, sequences, release, postData, .. analyze];
    }
}
