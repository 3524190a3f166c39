using System.CommandLine;
using PgMove.Cli.Rendering;
using PgMove.Copy;
using PgMove.Errors;
using PgMove.Instance;
using PgMove.Preflight;
using PgMove.Verify;

namespace PgMove.Cli.Commands;

/// <summary><c>--all-databases</c> of <c>copy</c>, <c>check</c> and <c>verify</c>: the option and how each result is shown.</summary>
internal static class AllDatabases
{
    public static Option<bool> Option(string what) => new("--all-databases")
    { Description = $"{what} every database of the source instance but templates (the URLs' databases are only the ones to connect to, e.g. postgres)" };

    /// <summary>True when the command has --all-databases and it was given.</summary>
    public static bool Given(ParseResult parse) =>
        parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--all-databases") is Option<bool> option && parse.GetValue(option);

    /// <summary>Copies the instance, prints one line per database, then verifies them all with --verify.</summary>
    public static async Task<ExitCode> CopyAsync(Display display, CopyOptions options, bool json, CancellationToken ct)
    {
        var summary = await display.RunAsync(sink => new InstanceCopyRunner(options, sink).RunAsync(ct));
        var lines = new List<string>
        {
            $"pgmove copy --all-databases: {summary.Databases.Count} database(s) and {summary.Roles.Roles.Count} role(s) in {summary.Elapsed.TotalSeconds:0.0}s",
            $"  roles: {summary.Roles.Roles.Count(r => r.Status == "created")} created, {summary.Roles.Roles.Count(r => r.Status == "exists")} already there",
        };
        foreach (var (name, copy) in summary.Databases.OrderBy(d => d.Key, StringComparer.Ordinal))
            lines.Add(copy.Resume is { NothingToDo: true }
                ? $"  database {name}: finished in the interrupted run, nothing to do"
                : $"  database {name}: {copy.Tables} table(s), {copy.Rows:N0} rows, {copy.Bytes / 1048576.0:0.0} MB, {copy.Sequences} sequence(s), " +
                  $"{copy.LargeObjects} large object(s) in {copy.Elapsed.TotalSeconds:0.0}s");
        lines.AddRange(summary.Skipped.Select(s => $"  database {s}"));
        lines.Add($"  state: {options.StateDirectory} (one db-NAME directory per database)");
        display.ShowLines(lines, summary);
        if (!options.Verify) return ExitCode.Success;
        return await VerifyAsync(display, new VerifyOptions { Source = options.Source, Target = options.Target, Jobs = options.Jobs }, json, ct);
    }

    /// <summary>Checks every database; items are named "database: item".</summary>
    public static async Task<ExitCode> CheckAsync(Display display, CheckOptions options, CancellationToken ct)
    {
        var report = await new InstanceCheckRunner(options).RunAsync(ct);
        display.ShowCheck(report);
        return report.Passed ? ExitCode.Success : ExitCode.Differences;
    }

    /// <summary>Verifies every database: each one's report, then one line per database; exit 1 when one differs or is missing.</summary>
    public static async Task<ExitCode> VerifyAsync(Display display, VerifyOptions options, bool json, CancellationToken ct)
    {
        var (databases, skipped, roles) = await new InstanceVerifyRunner(options, new VerifyProgress()).RunAsync(ct);
        var output = json ? Console.Error : Console.Out;
        var lines = new List<string>();
        foreach (var (name, report) in databases)
        {
            if (report is not null)
            {
                output.WriteLine($"== database {name}");
                VerifyView.Show(report, toStderr: json, json: false);
            }
            lines.Add($"  database {name}: {(report is null ? "MISSING on the target" : report.Equal ? "equal" : "DIFFERS")}");
        }
        lines.AddRange(skipped.Select(s => $"  database {s}"));
        lines.Add(roles.Count == 0 ? "  roles: equal" : $"  roles: {roles.Count} difference(s)");
        lines.AddRange(roles.Select(r => "    " + r));
        var differing = databases.Where(d => d.Report is not { Equal: true }).Select(d => d.Database).ToList();
        var equal = differing.Count == 0 && roles.Count == 0;
        lines.Insert(0, differing.Count == 0
            ? $"pgmove verify --all-databases: all {databases.Count} database(s) equal{(roles.Count == 0 ? ", and the roles" : $"; the roles differ ({roles.Count})")}"
            : $"pgmove verify --all-databases: {differing.Count} of {databases.Count} database(s) differ: {string.Join(", ", differing)}");
        display.ShowLines(lines, new
        {
            equal,
            databases = databases.Select(d => new { name = d.Database, equal = d.Report?.Equal ?? false, missing = d.Report is null, report = d.Report }),
            skipped,
            roles,
        });
        return equal ? ExitCode.Success : ExitCode.Differences;
    }
}
