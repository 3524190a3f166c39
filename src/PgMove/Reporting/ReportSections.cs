using System.Globalization;
using System.Text;
using PgMove.Copy;
using PgMove.Planning;
using PgMove.Preflight;
using PgMove.Replication;
using PgMove.Verify;
using static PgMove.Reporting.ReportFormat;

namespace PgMove.Reporting;

/// <summary>The sections of <see cref="HtmlReport"/>: copy (phases, tables, timeline), check, cutover, verification.</summary>
internal static class ReportSections
{
    public static void Copy(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Copy</h2>\n");
        if (report.Copy is { } s)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<p id=\"copy-summary\">{s.Tables} tables, {Count(s.Rows)} rows, {Bytes(s.Bytes)} at {Bytes(s.BytesPerSecond)}/s over the data phase, " +
                $"{s.Sequences} sequences, {s.LargeObjects} large objects, in {Duration(s.Elapsed)}.</p>\n");
            html.Append("<table id=\"phases\"><tr><th>phase</th><th>time</th><th>items</th></tr>\n");
            foreach (var p in s.Phases)
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{H(p.Name)}</td><td class=\"n\">{Duration(p.Elapsed)}</td><td class=\"n\">{p.Items}</td></tr>\n");
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>total</th><td class=\"n\">{Duration(s.Elapsed)}</td><td></td></tr></table>\n");
        }
        if (report.Items.Count == 0) return;
        html.Append("<h2>Timeline</h2>\n<p class=\"muted\">One lane per worker, one bar per item; hover a bar for its name and times.</p>\n");
        html.Append("<div class=\"chart\" id=\"timeline\">").Append(Timeline.RenderSvg(report.Items)).Append("</div>\n");
        Tables(html, report.Items);
    }

    static void Tables(StringBuilder html, IReadOnlyList<WorkItem> items)
    {
        var data = items.Where(i => i.Kind == WorkItemKind.TableData && i.StartedAt is not null)
            .OrderByDescending(i => i.Result.Bytes).ThenBy(i => i.Label, StringComparer.Ordinal).ToList();
        html.Append("<h2>Tables</h2>\n<table id=\"tables\"><tr><th>table data</th><th>rows</th><th>size</th><th>time</th><th>rate</th><th>worker</th><th>state</th></tr>\n");
        foreach (var item in data)
        {
            var time = (item.FinishedAt ?? item.StartedAt!.Value) - item.StartedAt!.Value;
            var rate = time.TotalSeconds > 0 ? Bytes(item.Result.Bytes / time.TotalSeconds) + "/s" : "";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{H(item.Label)}</td><td class=\"n\">{Count(item.Result.Rows)}</td><td class=\"n\">{Bytes(item.Result.Bytes)}</td>" +
                $"<td class=\"n\">{Duration(time)}</td><td class=\"n\">{rate}</td><td class=\"n\">w{item.Worker}</td><td>{H(item.State.ToString())}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    public static void Check(StringBuilder html, CheckReport check)
    {
        html.Append(CultureInfo.InvariantCulture,
            $"<h2>Check</h2>\n<p>{check.Failures} failing, {check.Warnings} warning(s), {check.Items.Count} items{(check.Online ? " (with the online migration's items)" : "")}.</p>\n");
        html.Append("<table id=\"check\"><tr><th>verdict</th><th>item</th><th>evidence</th><th>fix</th></tr>\n");
        foreach (var item in check.Items)
        {
            var verdict = item.Verdict.ToString().ToLowerInvariant();
            html.Append($"<tr class=\"{verdict}\"><td>{verdict}</td><td>{H(item.Name)}</td><td>{H(item.Evidence)}</td><td>{H(item.Fix)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    public static void Cutover(StringBuilder html, CutoverSummary cutover)
    {
        html.Append("<h2>Cutover</h2>\n");
        if (cutover.DryRun)
        {
            html.Append("<p>Dry run: nothing was changed. The steps it would take:</p>\n<ol>");
            foreach (var step in cutover.Steps) html.Append($"<li>{H(step)}</li>");
            html.Append("</ol>\n");
            return;
        }
        html.Append(CultureInfo.InvariantCulture,
            $"<table id=\"cutover\"><tr><th>write freeze (fence to release)</th><td class=\"n\">{cutover.WriteFreeze.TotalSeconds:0.000} s</td></tr>" +
            $"<tr><th>lag at the fence</th><td class=\"n\">{Bytes(cutover.LagBytesAtFence)}</td></tr>" +
            $"<tr><th>sequences set</th><td class=\"n\">{cutover.Sequences}</td></tr>" +
            $"<tr><th>verification</th><td>{H(cutover.VerifyLevel.ToString().ToLowerInvariant())}</td></tr></table>\n");
        foreach (var warning in cutover.Warnings) html.Append($"<p class=\"warn badge\">warning: {H(warning)}</p>\n");
        html.Append($"<p>To reopen the source (the way back): <code>BEGIN READ WRITE; {H(cutover.LiftFenceSql)}; COMMIT;</code></p>\n");
    }

    public static void Verification(StringBuilder html, VerifyReport report)
    {
        html.Append(CultureInfo.InvariantCulture,
            $"<h2>Verification</h2>\n<p id=\"verification\"><span class=\"badge {(report.Equal ? "ok" : "fail")}\">{(report.Equal ? "equal" : "different")}</span> " +
            $"{report.Tables.Count} tables compared, {report.DifferentTables} differ, {report.SchemaDifferences.Count} schema difference(s), in {Duration(report.Elapsed)}.</p>\n");
        if (report.SchemaDifferences.Count > 0)
        {
            html.Append("<table id=\"schema-differences\"><tr><th>kind</th><th>name</th><th>difference</th></tr>\n");
            foreach (var d in report.SchemaDifferences)
                html.Append($"<tr class=\"fail\"><td>{H(d.Kind)}</td><td>{H(d.Name)}</td><td>{H(d.Difference)}</td></tr>\n");
            html.Append("</table>\n");
        }
        html.Append("<table id=\"verify-tables\"><tr><th>status</th><th>table</th><th>source rows</th><th>target rows</th><th>note</th></tr>\n");
        foreach (var t in report.Tables.OrderBy(t => t.Status == TableVerdict.Equal).ThenBy(t => t.Table, StringComparer.Ordinal))
        {
            var css = t.Status == TableVerdict.Equal ? "ok" : "fail";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"{css}\"><td>{H(t.Status)}</td><td>{H(t.Table)}</td><td class=\"n\">{(t.SourceRows is { } s ? Count(s) : "")}</td>" +
                $"<td class=\"n\">{(t.TargetRows is { } r ? Count(r) : "")}</td><td>{H(t.Note)}{(t.Rows.Count > 0 ? H($" {t.Rows.Count} row(s) located") : "")}</td></tr>\n");
        }
        html.Append("</table>\n");
    }
}
