using PgMove.Globals;
using Spectre.Console;

namespace PgMove.Cli.Rendering;

/// <summary>The report of <c>pgmove roles</c>: one row per role, then the statements run (or to be run).</summary>
internal static class RolesView
{
    public static void Render(IAnsiConsole console, RolesReport report)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title(report.DryRun ? "pgmove roles: dry run, nothing changed" : "pgmove roles: done")
            .AddColumn("role").AddColumn("status").AddColumn("notes");
        foreach (var role in report.Roles)
            table.AddRow(Markup.Escape(role.Name), Markup.Escape(role.Status), Markup.Escape(string.Join("\n", role.Notes)));
        console.Write(table);
        console.WriteLine($"{report.Source} -> {report.Target}");
        console.WriteLine(report.DryRun ? "statements that would run:" : "statements run:");
        foreach (var statement in report.Statements) console.WriteLine("  " + statement + ";");
        if (report.Statements.Count == 0) console.WriteLine("  (none)");
    }
}
