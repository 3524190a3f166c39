namespace PgMove.Errors;

/// <summary>
/// An error pgmove understands: its message is one line meant for the user (never holding a password),
/// and its <see cref="ExitCode"/> tells scripts what kind of failure it was.
/// </summary>
public sealed class PgMoveException : Exception
{
    public PgMoveException(ExitCode exitCode, string message, Exception? inner = null)
        : base(message, inner) => ExitCode = exitCode;

    /// <summary>The process exit code this error maps to.</summary>
    public ExitCode ExitCode { get; }
}
