namespace PgMove.Cli.Rendering;

/// <summary>
/// A log entry's state: the line a DBA reads, and the fields a log shipper indexes (worker, item, rows...), which the
/// JSON formatter writes as they are instead of parsing them back out of the text.
/// </summary>
/// <param name="Message">The plain line, without time or level.</param>
/// <param name="Fields">Named values about the event, in order; numbers stay numbers.</param>
internal sealed record LogLine(string Message, IReadOnlyList<KeyValuePair<string, object?>> Fields)
{
    /// <summary>Formats the entry for <c>ILogger.Log</c>: the plain line.</summary>
    public static string Format(LogLine line, Exception? _) => line.Message;
}
