using PgMove.Progress;
using Spectre.Console;

namespace PgMove.Cli.Rendering;

/// <summary>A live Spectre.Console table for terminals: tables done, rows, bytes, throughput, each worker's current item.</summary>
internal sealed class LiveRenderer(IAnsiConsole console) : IProgressSink
{
    readonly RunState _state = new();
    readonly List<Notice> _notices = [];

    public void Report(CopyEvent e)
    {
        _state.Report(e);
        if (e is Notice n) lock (_notices) _notices.Add(n);
    }

    /// <summary>Shows the display until <paramref name="work"/> ends, then returns its result.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        T result = default!;
        await console.Live(Render()).AutoClear(false).StartAsync(async ctx =>
        {
            var task = work();
            while (!task.IsCompleted)
            {
                ctx.UpdateTarget(Render());
                await Task.WhenAny(task, Task.Delay(250));
            }
            ctx.UpdateTarget(Render());
            result = await task;
        });
        return result;
    }

    Table Render()
    {
        var s = _state.Take();
        var rate = s.Elapsed.TotalSeconds > 0 ? s.Bytes / s.Elapsed.TotalSeconds : 0;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"pgmove copy — tables {s.TablesDone}/{s.TablesTotal}, {Format.Count(s.Rows)} rows, " +
                   $"{Format.Bytes(s.Bytes)}, {Format.Bytes(rate)}/s, {Format.Duration(s.Elapsed)}")
            .AddColumn("worker").AddColumn("doing").AddColumn(new TableColumn("rows").RightAligned())
            .AddColumn(new TableColumn("bytes").RightAligned()).AddColumn(new TableColumn("for").RightAligned());
        foreach (var w in s.Workers)
            table.AddRow(w.Worker.ToString(), Markup.Escape(w.Label), Format.Count(w.Moved.Rows), Format.Bytes(w.Moved.Bytes), Format.Duration(w.For));
        string caption;
        lock (_notices)
            caption = string.Join("\n", _notices.TakeLast(5).Select(n => (n.IsWarning ? "[yellow]warning:[/] " : "") + Markup.Escape(n.Text)));
        return caption.Length > 0 ? table.Caption(caption) : table;
    }
}
