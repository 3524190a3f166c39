using Npgsql;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Globals;
using PgMove.Progress;

namespace PgMove.Archive;

/// <summary>
/// restore --roles: the roles the archived database depends on (recorded by the dump, without passwords) are created on
/// the target with copy's own role plan (<see cref="RoleMigration"/>) before the database is; their per-database
/// settings are set once it is restored.
/// </summary>
public static class ArchiveRoles
{
    /// <summary>Creates the missing roles; returns the per-database statements to run after the restore.</summary>
    /// <param name="maintenance">A session on the target's maintenance database.</param>
    /// <param name="manifest">The archive's manifest.</param>
    /// <param name="database">The target database.</param>
    /// <param name="noOwner">--no-owner.</param>
    /// <param name="sink">Told which roles were created.</param>
    /// <param name="ct">Cancels the statements.</param>
    public static async Task<IReadOnlyList<PlannedStatement>> CreateAsync(NpgsqlConnection maintenance, ArchiveManifest manifest,
        string database, bool noOwner, IProgressSink sink, CancellationToken ct)
    {
        var roles = manifest.Roles ?? throw new PgMoveException(ExitCode.Usage,
            "restore --roles: this archive records no roles (written by an older pgmove dump); create them first, or restore without --roles");
        var migration = await RoleMigration.PlanAsync(roles.ToSourceRoles(), maintenance, new GlobalsOptions { Roles = true }, database, noOwner, ct);
        migration.ReportNotices(sink);
        await RoleMigration.ApplyAsync(maintenance, migration.Plan.Statements, sink, [], ct);
        var created = migration.Plan.Outcomes.Where(o => o.Status == "created").Select(o => o.Name).ToList();
        if (created.Count > 0) sink.Report(new Notice($"created {created.Count} role(s) on the target: {string.Join(", ", created)}"));
        return migration.Plan.DatabaseStatements;
    }

    /// <summary>Runs the per-database role settings once the database is restored.</summary>
    /// <param name="target">The target.</param>
    /// <param name="statements">What <see cref="CreateAsync"/> returned.</param>
    /// <param name="sink">Receives warnings.</param>
    /// <param name="ct">Cancels the statements.</param>
    public static async Task FinishAsync(ConnectionSpec target, IReadOnlyList<PlannedStatement> statements, IProgressSink sink, CancellationToken ct)
    {
        if (statements.Count == 0) return;
        await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
        await RoleMigration.ApplyAsync(maintenance, statements, sink, [], ct);
    }
}
