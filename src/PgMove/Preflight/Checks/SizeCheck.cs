using PgMove.Catalog;

namespace PgMove.Preflight.Checks;

/// <summary>
/// The source database's size and an estimated copy time. The estimate is deliberately simple: table data at
/// ~60 MB/s and index builds at ~30 MB/s of index size, one after the other. That matches pgmove's measured run on
/// a 2-core machine (484 MB in ~10 s); real speed depends on disks, network, CPU and how well --jobs can spread the tables.
/// </summary>
public sealed class SizeCheck : IPreflightCheck
{
    const double DataBytesPerSecond = 60.0 * 1024 * 1024;
    const double IndexBytesPerSecond = 30.0 * 1024 * 1024;

    public string Name => "size";

    /// <summary>Estimated copy time for this much table data and index.</summary>
    public static TimeSpan Estimate(long tableBytes, long indexBytes) =>
        TimeSpan.FromSeconds(tableBytes / DataBytesPerSecond + indexBytes / IndexBytesPerSecond);

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var (database, tables, indexes) = await SizeCatalog.ReadAsync(context.Source, context.Selection, ct);
        var estimate = Estimate(tables, indexes);
        var what = context.Selection.IsEverything ? "" : "selected ";
        return [CheckItem.Ok(Name,
            $"database {Bytes(database)} ({what}tables {Bytes(tables)}, {what}indexes {Bytes(indexes)}); estimated copy time {Duration(estimate)} " +
            "(estimate: table data at ~60 MB/s plus index builds at ~30 MB/s; measure with a trial copy)")];
    }

    static string Bytes(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
        return unit == 0 ? $"{value:0} B" : $"{value:0.0} {units[unit]}";
    }

    static string Duration(TimeSpan t) =>
        t.TotalSeconds < 60 ? $"~{Math.Max(1, Math.Round(t.TotalSeconds))} s"
        : t.TotalMinutes < 60 ? $"~{Math.Round(t.TotalMinutes)} min"
        : $"~{t.TotalHours:0.0} h";
}
