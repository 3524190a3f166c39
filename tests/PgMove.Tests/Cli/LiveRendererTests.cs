using PgMove.Cli.Rendering;
using PgMove.Planning;
using PgMove.Progress;
using Spectre.Console;

namespace PgMove.Tests.Cli;

/// <summary>The live view as a terminal of 140 columns shows it, rendered to a string (no TTY needed).</summary>
public sealed class LiveRendererTests
{
    const int Width = 140;

    [Fact]
    public void The_table_takes_the_terminal_width_and_the_doing_column_the_room()
    {
        var (console, output) = Console140();
        var live = new LiveRenderer(console);
        var item = new LabelledItem("copy public.orders_2024_archive (rows 1 to 2,000,000)");
        live.Report(new ItemStarted(item, 1));
        live.Report(new ItemProgressed(item, 1204, 96_000));

        console.Write(live.Render());

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var borders = lines.Where(l => l.StartsWith('╭') || l.StartsWith('╰')).ToList();
        Assert.Equal(2, borders.Count);
        Assert.All(borders, b => Assert.Equal(Width, b.Length));
        var row = lines.Single(l => l.Contains("orders_2024"));
        Assert.Contains(item.Label, row); // on one line: the label does not wrap
        // "doing" got the room: its cell is far wider than the label's own 54 characters.
        var cells = row.Split('│');
        Assert.True(cells[2].Length > 80, row);
    }

    [Fact]
    public void A_narrow_terminal_gets_a_narrow_table()
    {
        var (console, output) = Console140();
        console.Profile.Width = 50;
        var live = new LiveRenderer(console);
        live.Report(new ItemStarted(new LabelledItem("copy public.orders_2024_archive (rows 1 to 2,000,000)"), 1));

        console.Write(live.Render());

        Assert.All(output.ToString().Split('\n'), l => Assert.True(l.TrimEnd('\r').Length <= 50, l));
    }

    [Fact]
    public void Once_a_sync_streams_the_title_says_so_instead_of_the_copy_numbers()
    {
        var (console, output) = Console140();
        var live = new LiveRenderer(console);
        live.Report(new Notice("copy done: 4 tables, 1000 rows in 1.2 s; streaming changes"));
        live.Report(new SyncProgressed(12, 3456, 78.4, "0/3000060"));

        console.Write(live.Render());

        var text = output.ToString();
        Assert.Contains("pgmove sync — streaming: applied 12 transactions, 3,456 changes, 78 changes/s, source LSN 0/3000060", text);
        Assert.DoesNotContain("pgmove copy —", text);
    }

    [Fact]
    public void A_streaming_sync_behind_the_source_shows_its_lag_and_when_the_backlog_will_be_applied()
    {
        var (console, output) = Console140();
        var live = new LiveRenderer(console);
        console.Profile.Width = 250; // the title on one line
        live.Report(new SyncProgressed(12, 3456, 78.4, "0/3000060", 3 * 1024 * 1024, 4.2, 95));

        console.Write(live.Render());

        Assert.Contains("lag 3.0 MB (4.2 s), backlog applied in ~1m35s", output.ToString());
    }

    static (IAnsiConsole Console, StringWriter Output) Console140()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = Width;
        return (console, output);
    }

    /// <summary>An item that only has a label: the renderer shows labels, it never runs items.</summary>
    sealed class LabelledItem(string label) : WorkItem("test:" + label, WorkItemKind.TableData, label)
    {
        public override Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct) =>
            throw new NotSupportedException();
    }
}
