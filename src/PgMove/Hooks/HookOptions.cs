using PgMove.Errors;

namespace PgMove.Hooks;

/// <summary>SQL files run on the target at two points of a copy (see <see cref="HookItem"/>).</summary>
public sealed record HookOptions
{
    /// <summary>--after-pre-data: runs once the pre-data schema is restored, before any row is copied.</summary>
    public string? AfterPreData { get; init; }
    /// <summary>--after-copy: runs last, once rows, sequences, indexes, keys, post-data and ANALYZE are done.</summary>
    public string? AfterCopy { get; init; }

    /// <summary>Checks that the files exist and makes their paths absolute; a missing file is a usage error.</summary>
    /// <param name="afterPreData">The --after-pre-data value, or null.</param>
    /// <param name="afterCopy">The --after-copy value, or null.</param>
    public static HookOptions Of(string? afterPreData, string? afterCopy) => new()
    {
        AfterPreData = Existing(afterPreData, "--after-pre-data"), AfterCopy = Existing(afterCopy, "--after-copy"),
    };

    /// <summary>Refuses hooks when there is no psql beside pg_dump to run them (exit 8, before anything changes).</summary>
    /// <param name="psql">The psql that would run them.</param>
    public void CheckRunner(string psql)
    {
        if ((AfterPreData ?? AfterCopy) is not null && !File.Exists(psql))
            throw new PgMoveException(ExitCode.ToolMissing, $"the hooks run with psql, and there is none at {psql} (beside pg_dump); nothing was changed");
    }

    static string? Existing(string? file, string option) => file switch
    {
        null => null,
        _ when File.Exists(file) => Path.GetFullPath(file),
        _ => throw new PgMoveException(ExitCode.Usage, $"{option} {file}: no such file; nothing was changed"),
    };
}
