namespace PgMove.Errors;

/// <summary>Process exit codes of pgmove; documented in the README and stable across releases.</summary>
public enum ExitCode
{
    /// <summary>The command did what it was asked.</summary>
    Success = 0,
    /// <summary>
    /// The command ran and its answer is "no": <c>verify</c> found differences, <c>check</c> found a failing item.
    /// </summary>
    Differences = 1,
    /// <summary>Bad command-line arguments or a malformed connection string.</summary>
    Usage = 2,
    /// <summary>A server could not be reached (host, port, DNS, timeout) or its database does not exist.</summary>
    ConnectionFailed = 3,
    /// <summary>A server refused the credentials.</summary>
    AuthenticationFailed = 4,
    /// <summary>The connecting user lacks a privilege the run needs (CREATEDB, SELECT, ...).</summary>
    InsufficientPrivilege = 5,
    /// <summary>The target database already holds user objects and <c>--clean</c> was not given.</summary>
    TargetNotEmpty = 6,
    /// <summary>The target is the source database itself.</summary>
    TargetIsSource = 7,
    /// <summary>A required client tool (pg_dump, pg_restore) is missing or too old.</summary>
    ToolMissing = 8,
    /// <summary>The two servers cannot be paired (e.g. target major version older than the source).</summary>
    Incompatible = 9,
    /// <summary>A migration step failed on a server (schema restore, COPY, index build, ...).</summary>
    StepFailed = 10,
    /// <summary>
    /// The command refuses because of the migration's current state, and changed nothing: no sync is running, a
    /// sync of that source database already exists, a resume does not match the recorded run, ...
    /// </summary>
    Refused = 11,
    /// <summary>
    /// A cutover was aborted after the source was fenced, and the fence was lifted again: the source takes writes,
    /// the sync goes on, and a later cutover can succeed.
    /// </summary>
    CutoverAborted = 12,
    /// <summary>A hook's SQL file (--after-pre-data, --after-copy) failed on the target; the message names the file and line.</summary>
    HookFailed = 13,
    /// <summary>
    /// An archive (<c>pgmove dump</c>) is incomplete or damaged: no manifest, or a file missing, truncated or altered.
    /// </summary>
    ArchiveDamaged = 14,
    /// <summary>An unexpected internal error (a bug): the message says what happened.</summary>
    InternalError = 70,
    /// <summary>Interrupted by the user (Ctrl-C / SIGTERM).</summary>
    Interrupted = 130,
}
