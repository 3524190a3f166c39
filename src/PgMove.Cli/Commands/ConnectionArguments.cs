using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Cli.Commands;

/// <summary>--source and --target as every command reads them: the option's value, else the environment variable.</summary>
internal static class ConnectionArguments
{
    public static ConnectionSpec Parse(string? value, string environmentVariable, string option)
    {
        value ??= Environment.GetEnvironmentVariable(environmentVariable);
        if (string.IsNullOrWhiteSpace(value))
            throw new PgMoveException(ExitCode.Usage, $"{option} is required (or set {environmentVariable})");
        try
        {
            return ConnectionSpec.Parse(value);
        }
        catch (PgMoveException e) when (e.ExitCode == ExitCode.Usage)
        {
            throw new PgMoveException(ExitCode.Usage, $"{option}: {e.Message}", e);
        }
    }
}
