using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using PgMove.Planning;

namespace PgMove.Reporting;

/// <summary>
/// What ran when on which worker: a JSON file for tools and an SVG picture beside it (one lane per worker, one bar
/// per item, colored by kind) so the critical path of a run can be seen at a glance.
/// </summary>
public static class Timeline
{
    static readonly Dictionary<WorkItemKind, string> Colors = new()
    {
        [WorkItemKind.Schema] = "#8e7cc3", [WorkItemKind.TableData] = "#4a86e8", [WorkItemKind.LargeObjects] = "#6fa8dc",
        [WorkItemKind.Sequences] = "#b4a7d6", [WorkItemKind.Snapshot] = "#cccccc", [WorkItemKind.PostData] = "#e69138",
        [WorkItemKind.Index] = "#f1c232", [WorkItemKind.Constraint] = "#e06666", [WorkItemKind.Analyze] = "#93c47d",
        [WorkItemKind.Hook] = "#76a5af",
    };

    /// <summary>Writes <paramref name="path"/> (JSON) and the same name with .svg; returns the SVG's path.</summary>
    public static async Task<string> WriteAsync(string path, IReadOnlyList<WorkItem> items, CancellationToken ct)
    {
        var ran = items.Where(i => i.StartedAt is not null).OrderBy(i => i.StartedAt).ToList();
        var origin = ran.Count > 0 ? ran.Min(i => i.StartedAt!.Value) : DateTimeOffset.UtcNow;
        var entries = ran.Select(i => new
        {
            id = i.Id, kind = i.Kind.ToString(), label = i.Label, worker = i.Worker, state = i.State.ToString(),
            start = Seconds(i.StartedAt!.Value - origin), end = i.FinishedAt is { } f ? Seconds(f - origin) : (double?)null,
            rows = i.Result.Rows, bytes = i.Result.Bytes, dependencies = i.Dependencies.Select(d => d.Id),
        }).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { origin, items = entries },
            new JsonSerializerOptions { WriteIndented = true }), ct);
        var svgPath = Path.ChangeExtension(path, ".svg");
        await File.WriteAllTextAsync(svgPath, Svg(ran, origin), ct);
        return svgPath;
    }

    static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 3);

    /// <summary>The SVG picture of the items that ran (also what the HTML report shows inline).</summary>
    public static string RenderSvg(IReadOnlyList<WorkItem> items)
    {
        var ran = items.Where(i => i.StartedAt is not null).OrderBy(i => i.StartedAt).ToList();
        return Svg(ran, ran.Count > 0 ? ran.Min(i => i.StartedAt!.Value) : DateTimeOffset.UtcNow);
    }

    static string Svg(IReadOnlyList<WorkItem> ran, DateTimeOffset origin)
    {
        const int left = 40, lane = 28, width = 1200;
        var end = ran.Select(i => (i.FinishedAt ?? DateTimeOffset.UtcNow) - origin).DefaultIfEmpty(TimeSpan.FromSeconds(1)).Max();
        var scale = (width - left - 10) / Math.Max(end.TotalSeconds, 0.001);
        var workers = ran.Select(i => i.Worker ?? 0).DefaultIfEmpty(1).Max();
        var height = 40 + workers * lane + 30;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{left}" y="16">pgmove timeline: {end.TotalSeconds:0.0} s, {ran.Count} items (hover a bar for details)</text>""");
        for (var w = 1; w <= workers; w++)
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="4" y="{30 + (w - 1) * lane + 18}">w{w}</text>""");
        foreach (var item in ran)
        {
            var x = left + (item.StartedAt!.Value - origin).TotalSeconds * scale;
            var w = Math.Max(1, ((item.FinishedAt ?? origin + end) - item.StartedAt.Value).TotalSeconds * scale);
            var y = 30 + ((item.Worker ?? 1) - 1) * lane;
            var title = WebUtility.HtmlEncode($"{item.Label}: {((item.FinishedAt ?? origin + end) - item.StartedAt.Value).TotalSeconds:0.000} s from {(item.StartedAt.Value - origin).TotalSeconds:0.000} s ({item.State})");
            svg.Append(CultureInfo.InvariantCulture,
                $"""<rect x="{x:0.0}" y="{y}" width="{w:0.0}" height="{lane - 4}" fill="{Colors[item.Kind]}" stroke="#333" stroke-width="0.3"><title>{title}</title></rect>""");
            if (w > 60)
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x + 2:0.0}" y="{y + 16}" clip-path="none">{WebUtility.HtmlEncode(Shorten(item.Label, (int)(w / 6)))}</text>""");
        }
        var legendY = 30 + workers * lane + 16;
        var lx = left;
        foreach (var (kind, color) in Colors)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{lx}" y="{legendY - 9}" width="10" height="10" fill="{color}"/><text x="{lx + 13}" y="{legendY}">{kind}</text>""");
            lx += 105;
        }
        return svg.Append("</svg>").ToString();
    }

    static string Shorten(string text, int max) => text.Length <= max ? text : text[..Math.Max(1, max - 1)] + "…";
}
