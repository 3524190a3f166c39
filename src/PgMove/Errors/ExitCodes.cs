namespace PgMove.Errors;

/// <summary>
/// What each <see cref="ExitCode"/> means, in the words <c>pgmove --help</c>, the --json error object and the
/// README's exit-code table use (a test holds the README to these).
/// </summary>
public static class ExitCodes
{
    /// <summary>Every exit code, in numeric order.</summary>
    public static IReadOnlyList<ExitCode> All { get; } = Enum.GetValues<ExitCode>().Order().ToArray();

    /// <summary>The code's name as scripts may match it, e.g. "ConnectionFailed".</summary>
    public static string Name(ExitCode code) => code.ToString();

    /// <summary>One line for people.</summary>
    public static string Meaning(ExitCode code) => code switch
    {
        ExitCode.Success => "success",
        ExitCode.Differences => "the answer is \"no\": verify found differences, check found a failing item",
        ExitCode.Usage => "usage error: unknown command or option, bad option value, malformed connection string",
        ExitCode.ConnectionFailed => "cannot connect (host, port, DNS, timeout, database missing)",
        ExitCode.AuthenticationFailed => "authentication failed",
        ExitCode.InsufficientPrivilege => "missing privilege (e.g. CREATEDB, SELECT on source tables)",
        ExitCode.TargetNotEmpty => "target database not empty (use --clean)",
        ExitCode.TargetIsSource => "the target is the source",
        ExitCode.ToolMissing => "pg_dump/pg_restore missing or too old",
        ExitCode.Incompatible => "incompatible servers (target's major version older than the source's, locale provider missing on the target)",
        ExitCode.StepFailed => "a migration step failed on a server",
        ExitCode.Refused => "refused, nothing changed: the migration's state does not allow it (no sync running, a sync already running, ...)",
        ExitCode.CutoverAborted => "cutover aborted after the fence, and the fence lifted: the source takes writes, the sync goes on",
        ExitCode.HookFailed => "a hook (--after-pre-data, --after-copy) failed on the target: the message names the file and line",
        ExitCode.ArchiveDamaged => "archive incomplete or damaged: no manifest, or a file missing, truncated or altered (the message names it)",
        ExitCode.InternalError => "internal error (a bug; the message says where)",
        ExitCode.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "an exit code without a meaning"),
    };
}
