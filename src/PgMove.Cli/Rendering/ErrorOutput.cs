using PgMove.Errors;

namespace PgMove.Cli.Rendering;

/// <summary>
/// How a failed command ends, for failures in a command and for usage errors alike: one line on stderr and, with
/// --json, an error object on stdout, so that a script reading stdout always gets a JSON document.
/// </summary>
internal static class ErrorOutput
{
    /// <summary>Writes the error; returns the exit code.</summary>
    public static int Write(string message, ExitCode code, bool json)
    {
        if (LogOutput.Json)
            JsonLogFormatter.WriteLine(Console.Error, Microsoft.Extensions.Logging.LogLevel.Error, message,
                [new("exitCode", (int)code), new("exitName", ExitCodes.Name(code))]);
        else
            Console.Error.WriteLine($"pgmove: error: {message}");
        if (json)
            Console.Out.WriteLine(JsonOutput.Serialize(new
            {
                error = new { code = (int)code, name = ExitCodes.Name(code), meaning = ExitCodes.Meaning(code), message },
            }));
        return (int)code;
    }
}
