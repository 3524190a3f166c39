using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace PgMove.Cli.Rendering;

/// <summary>
/// Log lines as a DBA reads them in a log file: "12:04:31 done  public.orders (1,204 rows, 96.0 kB) in 0.4s",
/// with "warning:" or "error:" in front only where it matters. The library's simple formatter puts the category and
/// event id ("info: pgmove[0]") on every line, which says nothing here: pgmove has one category.
/// </summary>
internal sealed class PlainLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "pgmove-plain";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message)) return;
        textWriter.Write(DateTime.Now.ToString("HH:mm:ss "));
        textWriter.Write(logEntry.LogLevel switch
        {
            LogLevel.Warning => "warning: ",
            LogLevel.Error or LogLevel.Critical => "error: ",
            _ => "",
        });
        textWriter.WriteLine(message.ReplaceLineEndings(" "));
    }
}
