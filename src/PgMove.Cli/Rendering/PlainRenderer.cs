using Microsoft.Extensions.Logging;
using PgMove.Planning;
using PgMove.Progress;

namespace PgMove.Cli.Rendering;

/// <summary>One log line per event, for logs and pipes (stdout not a terminal); the fields go to <c>--log-format json</c>.</summary>
internal sealed class PlainRenderer(ILogger logger) : IProgressSink
{
    public void Report(CopyEvent e)
    {
        switch (e)
        {
            case PlanReady p:
                Log(LogLevel.Information, $"plan: {p.Items.Count} items, {p.Jobs} workers, state in {p.StateDirectory}",
                    ("event", "plan"), ("items", p.Items.Count), ("jobs", p.Jobs), ("stateDirectory", p.StateDirectory));
                break;
            case ItemStarted s:
                Log(LogLevel.Information, $"[w{s.Worker}] start {s.Item.Label}", ("event", "start"), ("worker", s.Worker), ("item", s.Item.Label));
                break;
            case ItemFinished { Error: null } f:
                Log(LogLevel.Information, $"[w{f.Worker}] done  {f.Item.Label}{Moved(f.Rows, f.Bytes)} in {Format.Duration(f.Elapsed)}",
                    ("event", "done"), ("worker", f.Worker), ("item", f.Item.Label), ("rows", f.Rows), ("bytes", f.Bytes),
                    ("seconds", Math.Round(f.Elapsed.TotalSeconds, 3)));
                break;
            case ItemFinished { Item.State: WorkItemState.Cancelled } f:
                Log(LogLevel.Warning, $"[w{f.Worker}] cancelled {f.Item.Label} ({f.Error})",
                    ("event", "cancelled"), ("worker", f.Worker), ("item", f.Item.Label), ("error", f.Error));
                break;
            case ItemFinished f:
                Log(LogLevel.Error, $"[w{f.Worker}] failed {f.Item.Label}: {f.Error}",
                    ("event", "failed"), ("worker", f.Worker), ("item", f.Item.Label), ("error", f.Error));
                break;
            case ItemSkipped k:
                Log(LogLevel.Information, $"skip  {k.Item.Label} (done in the interrupted run)", ("event", "skip"), ("item", k.Item.Label));
                break;
            case Notice n:
                Log(n.IsWarning ? LogLevel.Warning : LogLevel.Information, n.Text);
                break;
        }
    }

    void Log(LogLevel level, string message, params (string Name, object? Value)[] fields) =>
        logger.Log(level, default, new LogLine(message, [.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))]), null, LogLine.Format);

    /// <summary>" (1,204 rows, 96.0 kB)", " (20.0 kB)", or nothing for items that move no data (index builds, ANALYZE).</summary>
    static string Moved(long rows, long bytes) => (rows, bytes) switch
    {
        (0, 0) => "",
        (0, _) => $" ({Format.Bytes(bytes)})",
        (_, 0) => $" ({Format.Count(rows)} rows)",
        _ => $" ({Format.Count(rows)} rows, {Format.Bytes(bytes)})",
    };
}
