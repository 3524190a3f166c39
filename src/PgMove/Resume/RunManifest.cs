using System.Text.Json;
using System.Text.Json.Serialization;
using PgMove.Errors;

namespace PgMove.Resume;

/// <summary>
/// manifest.json in the state directory: what a copy run is (which source and target, which options, what its plan
/// was built from) and what it saw on the source when its snapshot was taken. Written before the run changes
/// anything on a server, rewritten (atomically, flushed) at each step a resume must know about.
/// </summary>
public sealed record RunManifest
{
    /// <summary>The file's name in the state directory.</summary>
    public const string FileName = "manifest.json";
    const string KindValue = "pgmove copy";

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Always "pgmove copy": tells a state directory of this tool from anything else.</summary>
    public string Kind { get; init; } = KindValue;
    /// <summary>Format version of this file.</summary>
    public int Version { get; init; } = 1;
    /// <summary>When the first run started.</summary>
    public DateTimeOffset Started { get; init; }
    public required ServerIdentity Source { get; init; }
    public required ServerIdentity Target { get; init; }
    /// <summary>The options a resume must repeat, by name (--clean, --no-owner, --roles, …).</summary>
    public required IReadOnlyDictionary<string, string> Options { get; init; }
    /// <summary>--jobs of the first run: the plan (batches, slices) was built for it, and a resume rebuilds it alike.</summary>
    public int PlanJobs { get; init; }
    /// <summary>Per table (schema.name): the size the plan was built with.</summary>
    public required IReadOnlyDictionary<string, long> TableBytes { get; init; }
    /// <summary>Per split table (schema.name): its slices' conditions.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Slices { get; init; }
    /// <summary>What the source's statistics said just before the first run's snapshot.</summary>
    public required SourceStatistics Statistics { get; init; }
    /// <summary>The target database's OID once it exists (created by the run, or found empty).</summary>
    public uint? TargetDatabaseOid { get; init; }
    /// <summary>The run created the target database (it did not exist).</summary>
    public bool CreatedDatabase { get; init; }
    /// <summary>The plan has started: the target holds pgmove's work and must never be cleaned again.</summary>
    public bool PlanStarted { get; init; }
    /// <summary>How many times this run was resumed.</summary>
    public int Resumes { get; init; }
    /// <summary>When the run (first or resumed) finished successfully; null while it has not.</summary>
    public DateTimeOffset? Finished { get; init; }

    /// <summary>Writes the manifest atomically (temporary file, fsync, rename), so a crash leaves the old or the new one.</summary>
    /// <param name="directory">The state directory.</param>
    public void Save(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(this, Json));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the manifest of the run recorded in <paramref name="directory"/>; refuses when there is none.</summary>
    /// <param name="directory">The state directory given with --dir.</param>
    public static RunManifest Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw Refuse($"--resume: state directory {directory} does not exist; nothing was changed");
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw Refuse($"--resume: {directory} holds no recorded copy run ({FileName} missing: not a pgmove state directory, " +
                         "or a run that stopped before changing anything); nothing was changed");
        RunManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw Refuse($"--resume: {path} is not a pgmove manifest ({e.Message}); nothing was changed");
        }
        if (manifest is null || manifest.Kind != KindValue || manifest.Version != 1)
            throw Refuse($"--resume: {path} was not written by this version of pgmove copy; nothing was changed");
        return manifest;
    }

    internal static PgMoveException Refuse(string message) => new(ExitCode.Refused, message);
}
