using PgMove.Preflight;
using Spectre.Console;

namespace PgMove.Cli.Rendering;

/// <summary>The preflight report for people (a table: item, verdict, evidence, fix) and for scripts (JSON).</summary>
internal static class CheckReportView
{
    public static void Write(IAnsiConsole console, CheckReport report)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"pgmove check{(report.Online ? " --online" : "")}: {Markup.Escape(report.Source)} -> {Markup.Escape(report.Target)}")
            .AddColumn("item").AddColumn("verdict").AddColumn("evidence").AddColumn("fix");
        foreach (var item in report.Items)
            table.AddRow(new Markup(Markup.Escape(item.Name)), new Markup(Verdict(item.Verdict)),
                new Markup(Markup.Escape(item.Evidence)), new Markup(Markup.Escape(item.Fix ?? "")));
        console.Write(table);
        var ok = report.Items.Count - report.Failures - report.Warnings;
        console.MarkupLine($"{ok} ok, {report.Warnings} warn, {report.Failures} fail: " +
                           (report.Passed ? "[green]ready to copy[/]" : "[red]fix the failing items first[/]"));
    }

    static string Verdict(Preflight.Verdict verdict) => verdict switch
    {
        Preflight.Verdict.Ok => "[green]ok[/]",
        Preflight.Verdict.Warn => "[yellow]warn[/]",
        _ => "[red]fail[/]",
    };

    public static string ToJson(CheckReport report) => JsonOutput.Serialize(report);
}
