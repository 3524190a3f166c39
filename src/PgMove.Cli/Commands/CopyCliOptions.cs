using System.CommandLine;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Errors;

namespace PgMove.Cli.Commands;

/// <summary>
/// The options of the copy itself, shared by <c>copy</c> and <c>sync</c> (whose initial copy is the same), so the
/// two commands take and honour the same switches.
/// </summary>
internal sealed class CopyCliOptions
{
    readonly Option<int> _jobs = new("--jobs", "-j") { Description = "Parallel sessions, shared by table copies and index builds", DefaultValueFactory = _ => 4 };
    readonly Option<int?> _indexJobs = new("--index-jobs") { Description = "Parallel pg_restore jobs for the rest of post-data (default: --jobs)" };
    readonly Option<long?> _split = SizeParser.Option("--split-larger-than",
        "Copy tables larger than this (e.g. 500MB, 2GB) in slices side by side (default: off, each table in one piece)");
    readonly Option<bool> _clean = new("--clean") { Description = "Drop what the copy creates first when the target is not empty" };
    readonly Option<bool> _noOwner = new("--no-owner") { Description = "Do not restore object ownership" };
    readonly Option<bool> _noAcl = new("--no-acl") { Description = "Do not restore privileges (GRANT/REVOKE)" };
    readonly Option<string?> _pgBin = new("--pg-bin") { Description = "Directory of pg_dump/pg_restore (default: PATH and /usr/lib/postgresql/*/bin)" };
    readonly Option<string?> _timeline = new("--timeline") { Description = "Write what ran when on which worker to this JSON file, and an SVG picture beside it" };
    readonly Option<bool> _tune = new("--tune-target") { Description = "Raise max_wal_size/checkpoint_timeout on the target (ALTER SYSTEM) for the copy; restored after" };
    readonly GlobalsCliOptions _globals = new(copy: true);
    readonly FilterCliOptions _filters = new();
    readonly Option<string?> _afterPreData = new("--after-pre-data") { Description = "SQL file run on the target (psql) once the pre-data schema is restored, before any row" };
    readonly Option<string?> _afterCopy = new("--after-copy") { Description = "SQL file run on the target (psql) at the end, after ANALYZE (before --verify)" };

    public Option<int> Jobs => _jobs;

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _jobs, _indexJobs, _split, _clean, _noOwner, _noAcl, _pgBin, _timeline, _tune })
            command.Options.Add(option);
        _globals.AddTo(command);
        _filters.AddTo(command);
        command.Options.Add(_afterPreData);
        command.Options.Add(_afterCopy);
    }

    /// <summary>The copy's options; source, target and state directory are the caller's.</summary>
    public CopyOptions Read(ParseResult parse, ConnectionSpec source, ConnectionSpec target, string stateDirectory)
    {
        var jobs = parse.GetValue(_jobs);
        var indexJobs = parse.GetValue(_indexJobs) ?? jobs;
        if (jobs < 1 || indexJobs < 1) throw new PgMoveException(ExitCode.Usage, "--jobs and --index-jobs must be at least 1");
        var filters = _filters.Read(parse);
        if (!filters.IsEmpty && parse.GetValue(_clean))
            throw new PgMoveException(ExitCode.Usage, "--clean cannot be combined with filters: it drops every schema of the source on the target, also those the filters leave out");
        return new CopyOptions
        {
            Source = source,
            Target = target,
            Jobs = jobs,
            IndexJobs = indexJobs,
            Clean = parse.GetValue(_clean),
            NoOwner = parse.GetValue(_noOwner),
            NoAcl = parse.GetValue(_noAcl),
            StateDirectory = stateDirectory,
            PgBin = parse.GetValue(_pgBin),
            TimelinePath = parse.GetValue(_timeline),
            TuneTarget = parse.GetValue(_tune),
            SplitLargerThan = parse.GetValue(_split),
            Globals = _globals.Read(parse),
            Filters = filters,
            Hooks = PgMove.Hooks.HookOptions.Of(parse.GetValue(_afterPreData), parse.GetValue(_afterCopy)),
        };
    }
}
