using System.CommandLine;
using PgMove.Errors;
using PgMove.Replication;
using PgMove.Verify;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove cutover</c>: fence the source, let the sync apply up to the fence, release the target, verify.</summary>
internal static class CutoverCommand
{
    public static Command Create()
    {
        var common = new MigrationArguments();
        var maxLag = SizeParser.Option("--max-lag", "Fence the source only once the sync lags at most this much WAL (e.g. 1MB, 65536; default 1MB)");
        var timeout = new Option<int>("--timeout")
        { Description = "Seconds to wait for the lag to come down before fencing", DefaultValueFactory = _ => 600 };
        var freezeTimeout = new Option<int>("--freeze-timeout")
        { Description = "Seconds the source may stay fenced while the sync applies up to the fence; past it the fence is lifted", DefaultValueFactory = _ => 30 };
        var verify = new Option<VerifyLevel>("--verify")
        { Description = "What to compare after the release: none, counts, checksums or rows", DefaultValueFactory = _ => VerifyLevel.Checksums };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Sessions per side for the verification", DefaultValueFactory = _ => 4 };
        var beforeFence = new Option<string?>("--before-fence")
        { Description = "Shell command run before the fence (e.g. PgBouncer PAUSE); a failure aborts with nothing fenced" };
        var afterRelease = new Option<string?>("--after-release")
        { Description = "Shell command run once the target is released (e.g. PgBouncer RESUME, a DNS change)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be done; change nothing" };
        var report = new ReportArgument();
        var command = new Command("cutover",
            "Switch over: fence writes on the source, wait until the sync applied everything, set sequences, release the target, then verify.")
        {
            maxLag, timeout, freezeTimeout, verify, jobs, beforeFence, afterRelease, dryRun, report.Option,
        };
        common.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var page = report.Start(parse, "cutover");
            return CommandRunner.RunAsync(async (display, token) =>
        {
            if (parse.GetValue(timeout) < 1 || parse.GetValue(freezeTimeout) < 1 || parse.GetValue(jobs) < 1)
                throw new PgMoveException(ExitCode.Usage, "--timeout, --freeze-timeout and --jobs must be at least 1");
            var options = new CutoverOptions
            {
                Source = common.ParseSource(parse),
                Target = common.ParseTarget(parse),
                StateDirectory = parse.GetValue(common.Dir),
                MaxLagBytes = parse.GetValue(maxLag) ?? 1024 * 1024,
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                FreezeTimeout = TimeSpan.FromSeconds(parse.GetValue(freezeTimeout)),
                Verify = parse.GetValue(verify),
                Jobs = parse.GetValue(jobs),
                BeforeFence = parse.GetValue(beforeFence),
                AfterRelease = parse.GetValue(afterRelease),
                DryRun = parse.GetValue(dryRun),
            };
            if (page is not null)
            {
                page.Report.Source = options.Source.ToString();
                page.Report.Target = options.Target.ToString();
                page.Report.WithOption("--max-lag", options.MaxLagBytes).WithOption("--timeout", parse.GetValue(timeout))
                    .WithOption("--freeze-timeout", parse.GetValue(freezeTimeout)).WithOption("--verify", options.Verify.ToString().ToLowerInvariant())
                    .WithOption("--jobs", options.Jobs).WithOption("--dry-run", options.DryRun);
            }
            var summary = await display.RunAsync(sink => new CutoverRunner(options, sink).RunAsync(token));
            display.ShowLines(Lines(summary, options), summary);
            page?.Report.Cutover = summary;
            page?.Report.Verification = summary.Verification;
            return summary.HasDifferences ? ExitCode.Differences : summary.Warnings.Count > 0 ? ExitCode.StepFailed : ExitCode.Success;
        }, parse.GetValue(common.Json), page, ct);
        });
        return command;
    }

    static IEnumerable<string> Lines(CutoverSummary summary, CutoverOptions options)
    {
        if (summary.DryRun)
        {
            yield return "pgmove cutover: dry run, nothing was changed; it would:";
            foreach (var step in summary.Steps) yield return "  " + step;
            yield break;
        }
        yield return $"pgmove cutover: done {summary.Source} -> {summary.Target}";
        yield return $"write freeze {summary.WriteFreeze.TotalSeconds:0.000} s (lag at the fence {summary.LagBytesAtFence} bytes); {summary.Sequences} sequences set";
        yield return summary.Verification switch
        {
            null => "verification: none (--verify none)",
            { Equal: true } r => $"verification ({summary.VerifyLevel.ToString().ToLowerInvariant()}): equal, {r.Tables.Count} tables, in {r.Elapsed.TotalSeconds:0.0} s " +
                                 "(fenced source vs. the target as of the fence)",
            var r => $"verification ({summary.VerifyLevel.ToString().ToLowerInvariant()}): DIFFERENCES: {r.SchemaDifferences.Count} in the schema, " +
                     $"{r.DifferentTables} table(s): " + string.Join("; ", r.SchemaDifferences.Take(5).Select(d => $"{d.Kind} {d.Name} {d.Difference}")
                         .Concat(r.Tables.Where(t => t.Status != TableVerdict.Equal).Take(10).Select(Describe))),
        };
        foreach (var w in summary.Warnings) yield return "warning: " + w;
        yield return summary.HasDifferences
            ? $"the source still has everything as of the fence. To go back: point the applications at the source again and lift its fence " +
              $"(as a superuser or its owner, in any session on the source): {summary.LiftFenceSql}"
            : $"the source database {options.Source.Database} is fenced (only superusers may connect): point the applications at the target. " +
              $"To reopen it: {summary.LiftFenceSql}";
    }

    static string Describe(TableVerdict t) =>
        $"{t.Table} {t.Status} ({t.SourceRows} rows on the source, {t.TargetRows} on the target" +
        (t.Rows.Count > 0 ? ": " + string.Join(", ", t.Rows.Take(5).Select(r =>
            $"{r.Kind} ({string.Join(", ", r.Key.Select(k => $"{k.Key}={k.Value ?? "NULL"}"))})")) : "") + ")";
}
