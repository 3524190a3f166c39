using Microsoft.Extensions.Logging;
using PgMove.Planning;
using PgMove.Progress;

namespace PgMove.Cli.Rendering;

/// <summary>One log line per event, for logs and pipes (stdout not a terminal).</summary>
internal sealed class PlainRenderer(ILogger logger) : IProgressSink
{
    public void Report(CopyEvent e)
    {
        switch (e)
        {
            case PlanReady p:
                logger.LogInformation("plan: {Items} items, {Jobs} workers, state in {Dir}", p.Items.Count, p.Jobs, p.StateDirectory);
                break;
            case ItemStarted s:
                logger.LogInformation("[w{Worker}] start {Label}", s.Worker, s.Item.Label);
                break;
            case ItemFinished { Error: null } f:
                logger.LogInformation("[w{Worker}] done  {Label}{Moved} in {Elapsed}", f.Worker, f.Item.Label,
                    Moved(f.Rows, f.Bytes), Format.Duration(f.Elapsed));
                break;
            case ItemFinished { Item.State: WorkItemState.Cancelled } f:
                logger.LogWarning("[w{Worker}] cancelled {Label} ({Error})", f.Worker, f.Item.Label, f.Error);
                break;
            case ItemFinished f:
                logger.LogError("[w{Worker}] failed {Label}: {Error}", f.Worker, f.Item.Label, f.Error);
                break;
            case ItemSkipped k:
                logger.LogInformation("skip  {Label} (done in the interrupted run)", k.Item.Label);
                break;
            case Notice { IsWarning: true } n:
                logger.LogWarning("{Text}", n.Text);
                break;
            case Notice n:
                logger.LogInformation("{Text}", n.Text);
                break;
        }
    }

    /// <summary>" (1,204 rows, 96.0 kB)", " (20.0 kB)", or nothing for items that move no data (index builds, ANALYZE).</summary>
    static string Moved(long rows, long bytes) => (rows, bytes) switch
    {
        (0, 0) => "",
        (0, _) => $" ({Format.Bytes(bytes)})",
        (_, 0) => $" ({Format.Count(rows)} rows)",
        _ => $" ({Format.Count(rows)} rows, {Format.Bytes(bytes)})",
    };
}
