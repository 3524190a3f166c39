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
                logger.LogInformation("[w{Worker}] done  {Label} ({Rows} rows, {Bytes}) in {Elapsed}", f.Worker, f.Item.Label,
                    Format.Count(f.Rows), Format.Bytes(f.Bytes), Format.Duration(f.Elapsed));
                break;
            case ItemFinished { Item.State: WorkItemState.Cancelled } f:
                logger.LogWarning("[w{Worker}] cancelled {Label} ({Error})", f.Worker, f.Item.Label, f.Error);
                break;
            case ItemFinished f:
                logger.LogError("[w{Worker}] failed {Label}: {Error}", f.Worker, f.Item.Label, f.Error);
                break;
            case Notice { IsWarning: true } n:
                logger.LogWarning("{Text}", n.Text);
                break;
            case Notice n:
                logger.LogInformation("{Text}", n.Text);
                break;
        }
    }
}
