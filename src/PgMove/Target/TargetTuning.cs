using System.Text.Json;
using Npgsql;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Indexes;
using PgMove.Progress;
using PgMove.Sql;

namespace PgMove.Target;

/// <summary>
/// The server settings the migration guides change for a bulk load: fewer checkpoints (max_wal_size,
/// checkpoint_timeout) and more sort memory for index builds (maintenance_work_mem, set per session by pgmove).
/// Always computes and reports recommendations; with --tune-target applies the checkpoint settings with
/// ALTER SYSTEM and a reload, and puts the previous values back afterwards, whether the copy succeeded or not.
/// </summary>
public sealed class TargetTuning
{
    const long Gigabyte = 1L << 30;
    readonly List<(string Name, string? PreviousAutoConf)> _applied = [];
    readonly Dictionary<string, string> _recommended;
    string? _undoFile;

    TargetTuning(Dictionary<string, string> recommended, long maintenanceWorkMemBytes, SortMemoryBudget sortMemory)
    {
        _recommended = recommended;
        MaintenanceWorkMemBytes = maintenanceWorkMemBytes;
        SortMemory = sortMemory;
    }

    /// <summary>maintenance_work_mem for each of pg_restore's sessions (an even share per job).</summary>
    public long MaintenanceWorkMemBytes { get; }

    /// <summary>The maintenance_work_mem pgmove's own index builds share, each taking what it needs.</summary>
    public SortMemoryBudget SortMemory { get; }

    /// <summary>
    /// Sizes the load settings from the source's size and the target's memory, estimated as 4 × shared_buffers
    /// (the usual 25 % rule, which managed services follow): a quarter of it shared by the parallel index builds,
    /// never below the target's own setting, at most 2 GB each (even shares for pg_restore's jobs; pgmove's own
    /// builds take what each needs, see <see cref="SortMemoryBudget"/>).
    /// </summary>
    public static async Task<TargetTuning> PlanAsync(NpgsqlConnection target, long sourceBytes, int jobs, IProgressSink sink,
        CancellationToken ct)
    {
        var current = await ReadAsync(target, ["shared_buffers", "maintenance_work_mem", "max_wal_size", "checkpoint_timeout"], ct);
        var memory = 4 * current["shared_buffers"].Bytes;
        var (floor, cap) = (current["maintenance_work_mem"].Bytes, Math.Max(2 * Gigabyte, current["maintenance_work_mem"].Bytes));
        var perJob = Math.Clamp(memory / 4 / Math.Max(jobs, 1), floor, cap);
        var wal = Math.Clamp(2 * sourceBytes / Gigabyte + 1, 1, 64) * Gigabyte;
        var recommended = new Dictionary<string, string>();
        if (current["max_wal_size"].Bytes < wal) recommended["max_wal_size"] = $"{wal / Gigabyte}GB";
        if (current["checkpoint_timeout"].Bytes < 1800) recommended["checkpoint_timeout"] = "30min";
        var tuning = new TargetTuning(recommended, perJob, new SortMemoryBudget(memory / 4, floor, cap));
        var advice = string.Join(", ", recommended.Select(r => $"{r.Key} = {r.Value} (now {current[r.Key].Text})"));
        sink.Report(new Notice($"index builds share {Math.Max(memory / 4, floor) >> 20}MB of maintenance_work_mem " +
                               $"(each at least {floor >> 20}MB, at most {cap >> 20}MB)" +
                               (advice.Length > 0 ? $"; for the load the target would do better with {advice}" : "")));
        return tuning;
    }

    /// <summary>True when there is something to apply.</summary>
    public bool HasRecommendations => _recommended.Count > 0;

    /// <summary>ALTER SYSTEM SET the recommended values and reload; remembers how to undo it (also in <paramref name="undoFile"/>).</summary>
    /// <remarks>
    /// The undo statements are written (and flushed) before the first ALTER SYSTEM: a run killed at any point leaves
    /// them for the next run in the same state directory (<see cref="UndoLeftoverAsync"/>). Undoing a setting that was
    /// not applied yet puts back the value it has anyway.
    /// </remarks>
    public async Task ApplyAsync(NpgsqlConnection target, string undoFile, IProgressSink sink, CancellationToken ct)
    {
        var previous = await ReadAsync(target, _recommended.Keys, ct);
        foreach (var name in _recommended.Keys) _applied.Add((name, previous[name].FromAutoConf ? previous[name].Text : null));
        await using (var file = new FileStream(undoFile, FileMode.Create, FileAccess.Write))
        {
            await file.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(UndoStatements()), ct);
            file.Flush(flushToDisk: true);
        }
        try
        {
            foreach (var (name, value) in _recommended)
                await PgSession.ExecuteAsync(target, $"ALTER SYSTEM SET {Quote.Ident(name)} = {Quote.Literal(value)}", ct);
            await PgSession.ExecuteAsync(target, "SELECT pg_reload_conf()", ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            _applied.Clear();
            File.Delete(undoFile);
            throw new PgMoveException(ExitCode.InsufficientPrivilege,
                $"--tune-target: the target user may not ALTER SYSTEM ({e.MessageText}); run without --tune-target, " +
                "or set the recommended values in the server's configuration (on a managed service: its parameter group)", e);
        }
        _undoFile = undoFile;
        sink.Report(new Notice($"--tune-target: set {string.Join(", ", _recommended.Select(r => $"{r.Key} = {r.Value}"))} " +
                               $"on the target until the copy ends (undo statements kept in {undoFile})"));
    }

    /// <summary>Runs the undo statements a killed run left in <paramref name="undoFile"/>, then deletes it; nothing when there is none.</summary>
    /// <param name="target">A session on the target server.</param>
    /// <param name="undoFile">tune-target-undo.json in the state directory.</param>
    /// <param name="sink">Told what was put back.</param>
    /// <param name="ct">Cancels the statements.</param>
    public static async Task UndoLeftoverAsync(NpgsqlConnection target, string undoFile, IProgressSink sink, CancellationToken ct)
    {
        if (!File.Exists(undoFile)) return;
        var statements = JsonSerializer.Deserialize<List<string>>(await File.ReadAllTextAsync(undoFile, ct)) ?? [];
        foreach (var statement in statements) await PgSession.ExecuteAsync(target, statement, ct);
        File.Delete(undoFile);
        sink.Report(new Notice($"--tune-target: put back the target settings an interrupted run had changed ({undoFile})"));
    }

    /// <summary>Puts back what <see cref="ApplyAsync"/> changed; safe to call when nothing was applied.</summary>
    public async Task RestoreAsync(NpgsqlConnection target, IProgressSink sink)
    {
        if (_applied.Count == 0) return;
        foreach (var statement in UndoStatements())
            await PgSession.ExecuteAsync(target, statement, CancellationToken.None);
        await PgSession.ExecuteAsync(target, "SELECT pg_reload_conf()", CancellationToken.None);
        sink.Report(new Notice($"--tune-target: restored {string.Join(", ", _applied.Select(a => a.Name))} on the target"));
        _applied.Clear();
        if (_undoFile is not null) File.Delete(_undoFile);
    }

    /// <summary>
    /// <see cref="RestoreAsync"/> from a maintenance session of its own, at the end of a run however it ended: a failure
    /// is a warning naming the undo file, whose statements the user can run.
    /// </summary>
    /// <param name="target">The target server.</param>
    /// <param name="undoFile">tune-target-undo.json in the state directory.</param>
    /// <param name="sink">Told what was put back, or that it could not be.</param>
    public async Task PutBackAsync(ConnectionSpec target, string undoFile, IProgressSink sink)
    {
        try
        {
            await using var maintenance = await MaintenanceSession.OpenAsync(target, CancellationToken.None);
            await RestoreAsync(maintenance, sink);
        }
        catch (Exception e) when (e is PgMoveException or NpgsqlException)
        {
            sink.Report(new Notice($"--tune-target: could not restore the target's settings ({e.Message}); run the statements in " +
                                   $"{undoFile} on the target", IsWarning: true));
        }
    }

    IEnumerable<string> UndoStatements() => _applied.Select(a => a.PreviousAutoConf is { } value
        ? $"ALTER SYSTEM SET {Quote.Ident(a.Name)} = {Quote.Literal(value)}"
        : $"ALTER SYSTEM RESET {Quote.Ident(a.Name)}").Append("SELECT pg_reload_conf()").ToList();

    sealed record Setting(string Text, long Bytes, bool FromAutoConf);

    /// <summary>Current values; sizes in bytes and times in seconds in <see cref="Setting.Bytes"/>.</summary>
    static async Task<Dictionary<string, Setting>> ReadAsync(NpgsqlConnection connection, IEnumerable<string> names, CancellationToken ct)
    {
        const string sql = """
            SELECT name, current_setting(name),
                   CASE WHEN unit IN ('s', 'min', 'ms') THEN setting::bigint * CASE unit WHEN 'min' THEN 60 WHEN 'ms' THEN 0 ELSE 1 END
                        ELSE pg_size_bytes(current_setting(name)) END,
                   coalesce(sourcefile LIKE '%postgresql.auto.conf', false)
            FROM pg_settings WHERE name = ANY($1)
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue(names.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, Setting>();
        while (await reader.ReadAsync(ct))
            result[reader.GetString(0)] = new Setting(reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3));
        return result;
    }
}
