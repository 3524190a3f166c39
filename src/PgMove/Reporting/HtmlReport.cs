using System.Globalization;
using System.Text;
using static PgMove.Reporting.ReportFormat;

namespace PgMove.Reporting;

/// <summary>
/// Writes a <see cref="RunReport"/> as one self-contained HTML page a DBA can mail to their manager: inline CSS and
/// the timeline as inline SVG, no script, font or image fetched from anywhere, so it opens the same offline and
/// years later. It lives in the engine beside <see cref="Timeline"/> (whose SVG it embeds) because it is a file the
/// run produces, like the timeline and the state directory, not console output.
/// </summary>
public static class HtmlReport
{
    const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1240px;color:#222;padding:0 1em}
        h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
        table{border-collapse:collapse;margin:.5em 0;font-size:.92em} th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
        th{background:#f4f4f4} td.n{text-align:right;font-variant-numeric:tabular-nums}
        .badge{display:inline-block;padding:.2em .7em;border-radius:1em;font-weight:600;color:#fff}
        .badge.ok{background:#2e7d32} .badge.warn{background:#b26a00} .badge.fail{background:#c62828}
        tr.fail td:first-child{color:#c62828;font-weight:600} tr.warn td:first-child{color:#b26a00;font-weight:600} tr.ok td:first-child{color:#2e7d32}
        .chart{overflow-x:auto;border:1px solid #ddd;padding:.5em;background:#fff} .muted{color:#666} code{background:#f4f4f4;padding:0 .2em}
        """;

    /// <summary>Writes the report to <paramref name="path"/> (UTF-8), creating its directory.</summary>
    public static async Task WriteAsync(string path, RunReport report, CancellationToken ct)
    {
        report.FinishedAt ??= DateTimeOffset.Now;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(path, Render(report), new UTF8Encoding(false), ct);
    }

    /// <summary>The page as a string.</summary>
    public static string Render(RunReport report)
    {
        var html = new StringBuilder();
        var title = $"pgmove {report.Command}: {report.Source} → {report.Target}";
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>{H(title)}</title><style>{Css}</style></head><body>
            <h1>pgmove {H(report.Command)} <span id="outcome" class="badge {OutcomeClass(report)}">{H(Outcome(report))}</span></h1>
            <p class="muted">{H(report.Source)} → {H(report.Target)}</p>

            """);
        if (report.Error is { } error) html.Append($"<p id=\"error\" class=\"fail badge\">{H(error)}</p>\n");
        Facts(html, report);
        if (report.Copy is not null || report.Items.Count > 0) ReportSections.Copy(html, report);
        if (report.Check is { } check) ReportSections.Check(html, check);
        if (report.Cutover is { } cutover) ReportSections.Cutover(html, cutover);
        if (report.Verification is { } verification) ReportSections.Verification(html, verification);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Written by pgmove at {report.FinishedAt:yyyy-MM-dd HH:mm:ss zzz}.</p>\n</body></html>\n");
        return html.ToString();
    }

    static string Outcome(RunReport report) => report.ExitCode switch
    {
        0 => report.Check is { Warnings: > 0 } c ? $"passed, {c.Warnings} warning(s)" : "succeeded",
        1 => report.Check is not null ? "failing items" : "differences found",
        var code => $"failed (exit {code})",
    };

    static string OutcomeClass(RunReport report) =>
        report.ExitCode == 0 ? report.Check is { Warnings: > 0 } ? "warn" : "ok" : "fail";

    static void Facts(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Run</h2>\n<table id=\"facts\">\n");
        Row(html, "command", "pgmove " + report.Command);
        Row(html, "source", report.Source);
        Row(html, "target", report.Target);
        Row(html, "source server", report.SourceVersion);
        Row(html, "target server", report.TargetVersion);
        Row(html, "started", report.StartedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
        Row(html, "finished", report.FinishedAt?.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
        if (report.FinishedAt is { } end) Row(html, "duration", Duration(end - report.StartedAt));
        Row(html, "exit code", report.ExitCode.ToString(CultureInfo.InvariantCulture));
        Row(html, "options", report.Options.Count == 0 ? "defaults"
            : string.Join(", ", report.Options.Select(o => $"{o.Key} {o.Value}")));
        html.Append("</table>\n");
    }

    static void Row(StringBuilder html, string name, string? value)
    {
        if (value is not null) html.Append($"<tr><th>{H(name)}</th><td>{H(value)}</td></tr>\n");
    }
}
