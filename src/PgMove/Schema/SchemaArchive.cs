using PgMove.Connections;

namespace PgMove.Schema;

/// <summary>
/// The source's schema as a pg_dump custom-format archive holding the pre-data and post-data sections
/// (the data section is pgmove's own COPY), restored into the target one section at a time.
/// </summary>
public sealed class SchemaArchive(PgToolset tools, string path)
{
    /// <summary>Where the archive lives (in the state directory).</summary>
    public string Path { get; } = path;

    /// <summary>Dumps the source's schema as of <paramref name="snapshot"/>.</summary>
    public Task DumpAsync(ConnectionSpec source, string snapshot, CancellationToken ct) =>
        ToolRunner.RunAsync(tools.PgDump,
        [
            "--format=custom", "--section=pre-data", "--section=post-data", "--no-sync",
            $"--snapshot={snapshot}", $"--file={Path}", $"--dbname={source.ToLibpqConnInfo()}",
        ], source, NoEnv, "pg_dump of the source schema", ct);

    /// <summary>Restores one section into the target; <paramref name="jobs"/> &gt; 1 runs entries in parallel.</summary>
    public Task RestoreAsync(ConnectionSpec target, string section, int jobs, RestoreOptions options, CancellationToken ct)
    {
        var args = new List<string> { $"--section={section}", "--exit-on-error", $"--dbname={target.ToLibpqConnInfo()}" };
        if (jobs > 1) args.Add($"--jobs={jobs}");
        if (options.NoOwner) args.Add("--no-owner");
        if (options.NoAcl) args.Add("--no-acl");
        if (options.NoTablespaces) args.Add("--no-tablespaces");
        args.Add(Path);
        var env = new Dictionary<string, string> { ["PGOPTIONS"] = options.ServerOptions };
        return ToolRunner.RunAsync(tools.PgRestore, args, target, env, $"pg_restore of the {section} section", ct);
    }

    static readonly IReadOnlyDictionary<string, string> NoEnv = new Dictionary<string, string>();
}
