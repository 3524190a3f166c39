using PgMove.Progress;
using Spectre.Console;

namespace PgMove.Cli.Rendering;

/// <summary>
/// A live Spectre.Console table for terminals, as wide as the terminal: tables done, rows, bytes, throughput, each
/// worker's current item; once a sync streams, the title follows the stream instead of the finished copy.
/// </summary>
internal sealed class LiveRenderer(IAnsiConsole console) : IProgressSink
{
    readonly RunState _state = new();
    readonly List<Notice> _notices = [];
    SyncProgressed? _streaming;

    public void Report(CopyEvent e)
    {
        _state.Report(e);
        if (e is Notice n) lock (_notices) _notices.Add(n);
        if (e is SyncProgressed p) Volatile.Write(ref _streaming, p);
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

    /// <summary>The table as of now, sized to the console's width.</summary>
    internal Table Render()
    {
        var s = _state.Take();
        var rate = s.Elapsed.TotalSeconds > 0 ? s.Bytes / s.Elapsed.TotalSeconds : 0;
        // After the copy the copy's numbers are history (its rate only decays): the title says what the sync does now.
        var title = Volatile.Read(ref _streaming) is { } p
            ? $"pgmove sync — streaming: applied {Format.Count(p.Transactions)} transactions, {Format.Count(p.Changes)} changes, " +
              $"{p.ChangesPerSecond:0} changes/s{(p.SourceLsn is { } lsn ? $", source LSN {lsn}" : "")}" +
              (p.LagBytes is { } lag ? $", lag {Format.Bytes(lag)} ({p.LagSeconds?.ToString("0.0") ?? "?"} s)" : "") +
              (p.EtaSeconds is { } eta ? $", backlog applied in ~{Format.Duration(TimeSpan.FromSeconds(eta))}" : "") + $", {Format.Duration(s.Elapsed)}"
            : $"pgmove copy — tables {s.TablesDone}/{s.TablesTotal}, {Format.Count(s.Rows)} rows, " +
              $"{Format.Bytes(s.Bytes)}, {Format.Bytes(rate)}/s, {Format.Duration(s.Elapsed)}";
        // Expanded to the terminal's width, with the number columns kept to their content: the room goes to "doing",
        // where long item labels (schema.table, index names, batches) otherwise wrap.
        var table = new Table().Border(TableBorder.Rounded).Expand().Title(Markup.Escape(title))
            .AddColumn(new TableColumn("worker").NoWrap()).AddColumn(new TableColumn("doing").Width(console.Profile.Width))
            .AddColumn(new TableColumn("rows").RightAligned().NoWrap())
            .AddColumn(new TableColumn("bytes").RightAligned().NoWrap()).AddColumn(new TableColumn("for").RightAligned().NoWrap());
        foreach (var w in s.Workers)
            table.AddRow(w.Worker.ToString(), Markup.Escape(w.Label), Format.Count(w.Moved.Rows), Format.Bytes(w.Moved.Bytes), Format.Duration(w.For));
        string caption;
        lock (_notices)
            caption = string.Join("\n", _notices.TakeLast(5).Select(n => (n.IsWarning ? "[yellow]warning:[/] " : "") + Markup.Escape(n.Text)));
        return caption.Length > 0 ? table.Caption(caption) : table;
    }
}
