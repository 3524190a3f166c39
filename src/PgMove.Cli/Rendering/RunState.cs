using PgMove.Planning;
using PgMove.Progress;

namespace PgMove.Cli.Rendering;

/// <summary>The live picture of a run, folded from engine events; thread-safe.</summary>
internal sealed class RunState : IProgressSink
{
    readonly Lock _lock = new();
    readonly Dictionary<int, (WorkItem Item, DateTime Since)> _workers = [];
    readonly Dictionary<WorkItem, (long Rows, long Bytes)> _moving = [];
    readonly DateTime _start = DateTime.UtcNow;
    long _doneRows, _doneBytes;
    int _tablesDone, _tablesTotal, _jobs;

    public void Report(CopyEvent e)
    {
        lock (_lock)
        {
            switch (e)
            {
                case PlanReady p:
                    _tablesTotal = p.Items.Sum(i => i.TableCount);
                    _jobs = p.Jobs;
                    break;
                case ItemSkipped k when k.Item.Kind == WorkItemKind.TableData:
                    _tablesDone += k.Item.TableCount;
                    _doneRows += k.Item.Result.Rows;
                    _doneBytes += k.Item.Result.Bytes;
                    break;
                case ItemStarted s:
                    _workers[s.Worker] = (s.Item, DateTime.UtcNow);
                    break;
                case ItemProgressed p:
                    _moving[p.Item] = (p.Rows, p.Bytes);
                    break;
                case ItemFinished f:
                    _workers.Remove(f.Worker);
                    _moving.Remove(f.Item);
                    if (f.Error is null && f.Item.Kind == WorkItemKind.TableData)
                    {
                        _tablesDone += f.Item.TableCount;
                        _doneRows += f.Rows;
                        _doneBytes += f.Bytes;
                    }
                    break;
            }
        }
    }

    public Snapshot Take()
    {
        lock (_lock)
        {
            var rows = _doneRows + _moving.Values.Sum(m => m.Rows);
            var bytes = _doneBytes + _moving.Values.Sum(m => m.Bytes);
            var workers = _workers.OrderBy(w => w.Key)
                .Select(w => (w.Key, w.Value.Item.Label, DateTime.UtcNow - w.Value.Since,
                    _moving.TryGetValue(w.Value.Item, out var m) ? m : default))
                .ToList();
            return new Snapshot(_tablesDone, _tablesTotal, rows, bytes, DateTime.UtcNow - _start, _jobs, workers);
        }
    }

    public sealed record Snapshot(int TablesDone, int TablesTotal, long Rows, long Bytes, TimeSpan Elapsed, int Jobs,
        IReadOnlyList<(int Worker, string Label, TimeSpan For, (long Rows, long Bytes) Moved)> Workers);
}
