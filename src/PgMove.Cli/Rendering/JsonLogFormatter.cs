using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace PgMove.Cli.Rendering;

/// <summary>
/// <c>--log-format json</c>: one JSON object a line for log shippers, {"timestamp", "level", "message"} and the
/// event's fields (worker, item, rows, bytes, seconds...). The library's own JSON formatter nests the fields under
/// "State" and adds category and event id, which pgmove does not use.
/// </summary>
internal sealed class JsonLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "pgmove-json";

    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message)) return;
        IEnumerable<KeyValuePair<string, object?>> fields = logEntry.State switch
        {
            LogLine line => line.Fields,
            // A message template's values, minus the template itself ("{OriginalFormat}").
            IEnumerable<KeyValuePair<string, object?>> values => values.Where(v => !v.Key.StartsWith('{')),
            _ => [],
        };
        WriteLine(textWriter, logEntry.LogLevel, message, fields);
    }

    /// <summary>Writes one entry as a JSON line: for lines written outside the logger (summary, error).</summary>
    /// <param name="writer">Where the line goes.</param>
    /// <param name="level">The entry's level, written in lower case ("information", "warning", "error").</param>
    /// <param name="message">The plain line.</param>
    /// <param name="fields">Further fields, written after the message with camel-case names.</param>
    public static void WriteLine(TextWriter writer, LogLevel level, string message, IEnumerable<KeyValuePair<string, object?>>? fields = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));
            json.WriteString("level", level.ToString().ToLowerInvariant());
            json.WriteString("message", message.ReplaceLineEndings(" "));
            foreach (var (key, value) in fields ?? [])
            {
                json.WritePropertyName(JsonNamingPolicy.CamelCase.ConvertName(key));
                switch (value)
                {
                    case null: json.WriteNullValue(); break;
                    case int or long or double or decimal or float: JsonSerializer.Serialize(json, value, value.GetType()); break;
                    case bool b: json.WriteBooleanValue(b); break;
                    default: json.WriteStringValue(value.ToString()); break;
                }
            }
            json.WriteEndObject();
        }
        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
