using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Schema;

/// <summary>
/// The source's schema as a pg_dump custom-format archive holding the pre-data and post-data sections
/// (the data section is pgmove's own COPY), restored into the target one section at a time.
/// </summary>
public sealed class SchemaArchive(PgToolset tools, string path)
{
    /// <summary>Which pg_dump makes it, for the log: name, version and directory.</summary>
    public string ToolDescription =>
        $"{System.IO.Path.GetFileName(tools.PgDump)} {tools.Version.Split(' ').ElementAtOrDefault(2)} from {System.IO.Path.GetDirectoryName(tools.PgDump)}";

    /// <summary>psql of the same installation as pg_dump (it runs the hooks).</summary>
    public string Psql => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(tools.PgDump)!, "psql");

    /// <summary>Where the archive lives (in the state directory).</summary>
    public string Path { get; } = path;

    /// <summary>The filters as pg_dump arguments (Filters.PgDumpFilterArguments); none by default.</summary>
    public IReadOnlyList<string> DumpFilters { get; init; } = [];

    Task? _dump;
    bool _used;

    /// <summary>
    /// Starts the dump of the source's schema as of <paramref name="snapshot"/> without waiting for it: it needs
    /// nothing but the snapshot, so it runs while the catalog is read and the target is prepared.
    /// </summary>
    public void StartDump(ConnectionSpec source, string snapshot, CancellationToken ct) =>
        _dump ??= ToolRunner.RunAsync(tools.PgDump,
        [
            "--format=custom", "--section=pre-data", "--section=post-data", "--no-sync",
            $"--snapshot={snapshot}", $"--file={Path}", $"--dbname={source.ToLibpqConnInfo()}", .. DumpFilters,
        ], source, NoEnv, "pg_dump of the source schema", ct);

    /// <summary>Dumps the source's schema as of <paramref name="snapshot"/>, or waits for the dump already started.</summary>
    public Task DumpAsync(ConnectionSpec source, string snapshot, CancellationToken ct)
    {
        StartDump(source, snapshot, ct);
        _used = true;
        return _dump!.WaitAsync(ct);
    }

    /// <summary>
    /// Waits for a started dump to end, its outcome ignored (a failure of the dump was reported by the plan that used
    /// it; a run that stopped before using it is failing for another reason), and deletes the file of a dump the run
    /// did not use. Called after the dump's token is cancelled, so that no pg_dump outlives the run.
    /// </summary>
    public async Task SettleDumpAsync()
    {
        if (_dump is null) return;
        try
        {
            await _dump;
        }
        catch (Exception e) when (e is PgMoveException or OperationCanceledException)
        {
        }
        if (!_used) File.Delete(Path);
    }

    /// <summary>
    /// Restores one section into the target; <paramref name="jobs"/> &gt; 1 runs entries in parallel. With
    /// <paramref name="skip"/>, the archive entries whose (catalog, OID) it holds are left out: pgmove built them.
    /// </summary>
    /// <remarks>
    /// With again (a resume redoing a section an interrupted run may have partly restored), entries that already exist
    /// are let fail and the restore goes on; it fails only when an error is not an "already exists" one.
    /// </remarks>
    public async Task RestoreAsync(ConnectionSpec target, string section, int jobs, RestoreOptions options,
        IReadOnlySet<(uint Catalog, uint Oid)>? skip, CancellationToken ct, bool again = false)
    {
        var args = new List<string> { $"--section={section}", $"--dbname={target.ToLibpqConnInfo()}" };
        if (!again) args.Add("--exit-on-error");
        if (jobs > 1) args.Add($"--jobs={jobs}");
        if (skip is { Count: > 0 }) args.Add($"--use-list={await WriteListAsync(target, section, skip, ct)}");
        if (options.NoOwner) args.Add("--no-owner");
        if (options.NoAcl) args.Add("--no-acl");
        if (options.NoTablespaces) args.Add("--no-tablespaces");
        args.Add(Path);
        var env = new Dictionary<string, string> { ["PGOPTIONS"] = options.ServerOptions };
        await ToolRunner.RunAsync(tools.PgRestore, args, target, env, $"pg_restore of the {section} section", ct,
            again ? OnlyAlreadyExists : null);
    }

    /// <summary>Every error pg_restore reported says the object is already there (made by the interrupted run).</summary>
    static bool OnlyAlreadyExists(string stderr)
    {
        var errors = stderr.Split('\n').Where(l => l.Contains("ERROR:", StringComparison.Ordinal)).ToList();
        return errors.Count > 0 && errors.All(l => l.Contains(" already exists", StringComparison.Ordinal)
                                                   || l.Contains("multiple primary keys", StringComparison.Ordinal));
    }

    /// <summary>
    /// The SQL the archive would run, without its header (which names the dump's time and versions): two archives
    /// with the same text describe the same schema, large object list and privileges.
    /// </summary>
    public async Task<string> SchemaTextAsync(ConnectionSpec connection, CancellationToken ct)
    {
        var text = await ToolRunner.RunAsync(tools.PgRestore, ["--file=-", Path], connection, NoEnv, "pg_restore of the schema archive", ct);
        // The header names the dump's versions; \restrict and \unrestrict carry a key drawn for each run.
        return string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("-- Dumped ", StringComparison.Ordinal)
                                                           && !l.StartsWith("\\restrict ", StringComparison.Ordinal)
                                                           && !l.StartsWith("\\unrestrict ", StringComparison.Ordinal)));
    }

    // pg_restore -l prints one entry per line: "dumpId; catalogOid objectOid DESC schema name owner".
    // Entries pgmove handles itself are commented out with ';', which pg_restore -L skips.
    async Task<string> WriteListAsync(ConnectionSpec target, string section, IReadOnlySet<(uint, uint)> skip, CancellationToken ct)
    {
        var listing = await ToolRunner.RunAsync(tools.PgRestore, ["--list", Path], target, NoEnv, "pg_restore --list", ct);
        var lines = listing.Split('\n').Select(line => IsSkipped(line, skip) ? ";" + line : line);
        var file = Path + $".{section}.list";
        await File.WriteAllLinesAsync(file, lines, ct);
        return file;
    }

    static bool IsSkipped(string line, IReadOnlySet<(uint, uint)> skip)
    {
        var semicolon = line.IndexOf(';');
        if (semicolon <= 0 || line.StartsWith(';')) return false;
        var fields = line[(semicolon + 1)..].TrimStart().Split(' ', 3);
        return fields.Length == 3 && uint.TryParse(fields[0], out var catalog) && uint.TryParse(fields[1], out var oid)
            && skip.Contains((catalog, oid));
    }

    static readonly IReadOnlyDictionary<string, string> NoEnv = new Dictionary<string, string>();
}
