using System.Text.RegularExpressions;
using PgMove.Verify;
using Spectre.Console;

namespace PgMove.Cli.Rendering;

/// <summary>
/// Prints a <see cref="VerifyReport"/>: a table of tables (rows on each side, status), the schema differences and the
/// differing rows with their keys; with --json the report as JSON is the only thing on stdout.
/// </summary>
internal static partial class VerifyView
{
    const int MaxShown = 160;

    /// <param name="toStderr">Human output on stderr (when stdout carries JSON).</param>
    /// <param name="json">Also print the report as JSON on stdout.</param>
    public static void Show(VerifyReport report, bool toStderr, bool json)
    {
        var redirected = toStderr ? Console.IsErrorRedirected : Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(toStderr ? Console.Error : Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected) console.Profile.Width = 200;
        ShowTables(console, report);
        ShowSchema(console, report.SchemaDifferences);
        ShowRows(console, report.Tables);
        console.WriteLine(report.Equal
            ? $"equal: schema and {report.Tables.Count} tables ({Format.Duration(report.Elapsed)})"
            : $"DIFFERENT: {report.SchemaDifferences.Count} schema difference(s), {report.DifferentTables} table(s) differ " +
              $"({Format.Duration(report.Elapsed)})");
        if (json) Console.Out.WriteLine(JsonOutput.Serialize(report));
    }

    static void ShowTables(IAnsiConsole console, VerifyReport report)
    {
        console.WriteLine($"pgmove verify: {report.Source} -> {report.Target}");
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("table").AddColumn(new TableColumn("source rows").RightAligned())
            .AddColumn(new TableColumn("target rows").RightAligned()).AddColumn("status");
        foreach (var t in report.Tables)
            table.AddRow(new Text(t.Table), new Text(Rows(t.SourceRows)), new Text(Rows(t.TargetRows)),
                new Text(t.Status, t.Status == TableVerdict.Equal ? Style.Plain : new Style(Color.Red)));
        console.Write(table);
    }

    static string Rows(long? rows) => rows is null ? "-" : Format.Count(rows.Value);

    static void ShowSchema(IAnsiConsole console, IReadOnlyList<SchemaDifference> differences)
    {
        if (differences.Count == 0) return;
        console.WriteLine($"schema differences ({differences.Count}):");
        foreach (var d in differences)
        {
            console.WriteLine($"  {d.Kind} {d.Name}: {d.Difference}");
            var (source, target) = Excerpts(d.Source, d.Target);
            if (!string.IsNullOrEmpty(source)) console.WriteLine($"      source: {source}");
            if (!string.IsNullOrEmpty(target)) console.WriteLine($"      target: {target}");
        }
    }

    static void ShowRows(IAnsiConsole console, IReadOnlyList<TableVerdict> tables)
    {
        foreach (var t in tables.Where(t => t.Status != TableVerdict.Equal))
        {
            console.WriteLine($"{t.Table}: {t.Status}" + (t.SourceRows is not null && t.TargetRows is not null
                ? $", rows {Format.Count(t.SourceRows.Value)} / {Format.Count(t.TargetRows.Value)}, checksums {t.SourceChecksum} / {t.TargetChecksum}"
                : ""));
            if (t.Note is not null) console.WriteLine($"  {t.Note}");
            foreach (var r in t.Rows)
            {
                var key = string.Join(", ", r.Key.Select(k => $"{k.Key}={Value(k.Value)}"));
                console.WriteLine(r.Columns.Count == 0
                    ? $"  {r.Kind}: {key}"
                    : $"  {r.Kind}: {key}: " + string.Join("; ", r.Columns.Select(c => $"{c} {Value(r.Source[c])} -> {Value(r.Target[c])}")));
            }
            if (t.MoreRows) console.WriteLine($"  … more rows may differ (--max-rows {t.Rows.Count})");
        }
    }

    /// <summary>NULL, or the value in quotes so that empty strings and trailing spaces show.</summary>
    static string Value(string? value) => value is null ? "NULL" : "'" + Shorten(value.Replace("'", "''")) + "'";

    static string Shorten(string s) => s.Length <= MaxShown ? s : s[..MaxShown] + "…";

    /// <summary>Single-line excerpts of two definitions, starting near their first difference.</summary>
    static (string?, string?) Excerpts(string? source, string? target)
    {
        source = source is null ? null : Whitespace().Replace(source, " ").Trim();
        target = target is null ? null : Whitespace().Replace(target, " ").Trim();
        if (source is null || target is null) return (source is null ? null : Shorten(source), target is null ? null : Shorten(target));
        var i = 0;
        while (i < source.Length && i < target.Length && source[i] == target[i]) i++;
        var start = i > 100 ? i - 60 : 0;
        string Cut(string s) => (start > 0 ? "…" : "") + Shorten(s[Math.Min(start, s.Length)..]);
        return (Cut(source), Cut(target));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
