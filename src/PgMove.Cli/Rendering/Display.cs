using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using PgMove.Copy;
using PgMove.Errors;
using PgMove.Progress;
using Spectre.Console;

namespace PgMove.Cli.Rendering;

/// <summary>
/// Where a command's output goes: a live display on a terminal, plain log lines otherwise; with --json the
/// summary is the only thing on stdout and everything else goes to stderr.
/// </summary>
internal sealed class Display : IAsyncDisposable
{
    readonly bool _json;
    readonly bool _live;
    readonly ILoggerFactory _loggers;
    readonly IAnsiConsole _console;

    public Display(bool json)
    {
        _json = json;
        var toTerminal = json ? !Console.IsErrorRedirected : !Console.IsOutputRedirected;
        // --log-format json is for log shippers: lines even on a terminal, never the live table.
        _live = toTerminal && Environment.GetEnvironmentVariable("CI") is null && !LogOutput.Json;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(json ? Console.Error : Console.Out),
            Ansi = toTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = toTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!toTerminal) _console.Profile.Width = 200; // log files: no wrapping of paths and long lines
        _loggers = LoggerFactory.Create(b => b
            .AddConsole(o =>
            {
                o.FormatterName = LogOutput.Json ? JsonLogFormatter.FormatterName : PlainLogFormatter.FormatterName;
                o.LogToStandardErrorThreshold = json ? LogLevel.Trace : LogLevel.Error;
            })
            .AddConsoleFormatter<PlainLogFormatter, ConsoleFormatterOptions>()
            .AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>());
    }

    public async Task<T> RunAsync<T>(Func<IProgressSink, Task<T>> work)
    {
        if (_live)
        {
            var live = new LiveRenderer(_console);
            return await live.RunAsync(() => work(live));
        }
        return await work(new PlainRenderer(_loggers.CreateLogger("pgmove")));
    }

    public void ShowSummary(CopySummary summary)
    {
        _loggers.Dispose(); // flush pending log lines before the summary
        if (LogOutput.Json)
        {
            WriteJsonSummary(summary);
            if (_json) Console.Out.WriteLine(JsonOutput.Serialize(summary));
            return;
        }
        var table = new Table().Border(TableBorder.Simple).Title("pgmove copy: done")
            .AddColumn("phase").AddColumn(new TableColumn("time").RightAligned()).AddColumn(new TableColumn("items").RightAligned());
        foreach (var p in summary.Phases) table.AddRow(p.Name, Format.Duration(p.Elapsed), p.Items.ToString());
        table.AddRow("total", Format.Duration(summary.Elapsed), "");
        _console.Write(table);
        _console.WriteLine($"{summary.Source} -> {summary.Target}");
        _console.WriteLine($"{summary.Tables} tables, {Format.Count(summary.Rows)} rows, {Format.Bytes(summary.Bytes)} " +
                           $"({Format.Bytes(summary.BytesPerSecond)}/s), {summary.Sequences} sequences, " +
                           $"{summary.LargeObjects} large objects; state in {summary.StateDirectory}");
        if (summary.Resume is { } r)
            _console.WriteLine($"resumed: skipped {r.ItemsSkipped} items done before ({Format.Count(r.RowsSkipped)} rows, {Format.Bytes(r.BytesSkipped)}, " +
                               $"{Format.Duration(r.WorkSaved)} of worker time saved), redid {r.ItemsRedone}, ran {r.ItemsRun}" +
                               (r.CopiedAgain.Count > 0 ? $"; copied again (changed on the source): {string.Join(", ", r.CopiedAgain)}" : ""));
        if (_json)
            Console.Out.WriteLine(JsonOutput.Serialize(summary));
    }

    /// <summary>The copy's summary as one JSON log line with its numbers as fields (--log-format json).</summary>
    void WriteJsonSummary(CopySummary summary)
    {
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("event", "summary"), new("source", summary.Source.ToString()), new("target", summary.Target.ToString()),
            new("tables", summary.Tables), new("rows", summary.Rows), new("bytes", summary.Bytes),
            new("bytesPerSecond", Math.Round(summary.BytesPerSecond)), new("sequences", summary.Sequences),
            new("largeObjects", summary.LargeObjects), new("seconds", Math.Round(summary.Elapsed.TotalSeconds, 3)),
            new("stateDirectory", summary.StateDirectory),
        };
        JsonLogFormatter.WriteLine(_console.Profile.Out.Writer, LogLevel.Information,
            $"pgmove copy: done, {summary.Tables} tables, {Format.Count(summary.Rows)} rows, {Format.Bytes(summary.Bytes)} " +
            $"in {Format.Duration(summary.Elapsed)}", fields);
    }

    /// <summary>The preflight report: a table on the console, and the JSON report on stdout with --json.</summary>
    public void ShowCheck(PgMove.Preflight.CheckReport report)
    {
        _loggers.Dispose();
        CheckReportView.Write(_console, report);
        if (_json) Console.Out.WriteLine(CheckReportView.ToJson(report));
    }

    /// <summary>Log lines for commands without a live display (progress of short steps).</summary>
    public IProgressSink PlainSink => new PlainRenderer(_loggers.CreateLogger("pgmove"));

    /// <summary>Prints a command's result with <paramref name="render"/>; with --json also as JSON on stdout.</summary>
    public void ShowResult<T>(T result, Action<IAnsiConsole, T> render)
    {
        _loggers.Dispose(); // flush pending log lines before the result
        render(_console, result);
        if (_json)
            Console.Out.WriteLine(JsonOutput.Serialize(result));
    }

    /// <summary>A command's result as plain lines (and, with --json, <paramref name="json"/> on stdout).</summary>
    public void ShowLines(IEnumerable<string> lines, object? json = null)
    {
        _loggers.Dispose(); // flush pending log lines first
        // Not on a terminal, a line is written whole: advice in it (SQL, commands) must survive a copy from a log.
        foreach (var line in lines)
            if (LogOutput.Json) JsonLogFormatter.WriteLine(_console.Profile.Out.Writer, LogLevel.Information, line);
            else if (_console.Profile.Capabilities.Ansi) _console.WriteLine(line);
            else _console.Profile.Out.Writer.WriteLine(line);
        if (_json && json is not null)
            Console.Out.WriteLine(JsonOutput.Serialize(json));
    }

    /// <summary>Prints a command's failure on stderr (and, with --json, as a JSON error object on stdout).</summary>
    public int Fail(string message, ExitCode code)
    {
        _loggers.Dispose();
        return ErrorOutput.Write(message, code, _json);
    }

    public ValueTask DisposeAsync()
    {
        _loggers.Dispose();
        return ValueTask.CompletedTask;
    }
}
