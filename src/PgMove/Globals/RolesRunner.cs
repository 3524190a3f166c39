using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Progress;

namespace PgMove.Globals;

/// <summary>
/// <c>pgmove roles</c>: creates on the target the roles the source database depends on, as <c>copy --roles</c> does,
/// without copying the database. Per-database role settings go to the target database when it exists.
/// </summary>
public sealed class RolesRunner(ConnectionSpec source, ConnectionSpec target, GlobalsOptions options, IProgressSink sink)
{
    public async Task<RolesReport> RunAsync(CancellationToken ct)
    {
        var targetDatabase = target.HasExplicitDatabase ? target.Database : source.Database;
        await using var sourceConnection = await PgSession.OpenAsync(source.ToNpgsql("pgmove", SessionSettings.Source, 1),
            Side.Source, source.ToString(), ct);
        await using var maintenance = await MaintenanceSession.OpenAsync(target, ct);
        var migration = await RoleMigration.PlanAsync(sourceConnection, maintenance, options with { Roles = true, OwnerMap = new Dictionary<string, string>() },
            targetDatabase, noOwner: true, ct);
        var plan = migration.Plan;
        migration.ReportNotices(sink);
        var warnings = plan.Notices.Where(n => n.Warning).Select(n => n.Text).ToList();
        var databaseExists = await DatabaseCatalog.ExistsAsync(maintenance, targetDatabase, ct);
        var statements = plan.Statements.Concat(databaseExists ? plan.DatabaseStatements : []).ToList();
        if (options.AllRoles) statements.AddRange(await OtherDatabasesSettingsAsync(sourceConnection, maintenance, targetDatabase, ct));
        if (!databaseExists && plan.DatabaseStatements.Count > 0)
        {
            var text = $"database \"{targetDatabase}\" does not exist on the target: {plan.DatabaseStatements.Count} per-database role setting(s) not applied";
            warnings.Add(text);
            sink.Report(new Notice(text, IsWarning: true));
        }
        if (!options.DryRun) await RoleMigration.ApplyAsync(maintenance, statements, sink, warnings, ct);
        var outcomes = options.DryRun
            ? plan.Outcomes.Select(o => o.Status == "created" ? o with { Status = "would be created" } : o).ToList()
            : plan.Outcomes;
        return new RolesReport(source.ToString(), target.WithDatabase(targetDatabase).ToString(), options.DryRun, outcomes,
            statements.Select(s => s.Shown).ToList(), warnings);
    }

    /// <summary>
    /// With --all: the source's role settings for the other databases (ALTER ROLE … IN DATABASE), for each database of
    /// that name on the target, when the target lacks the setting there.
    /// </summary>
    static async Task<IEnumerable<PlannedStatement>> OtherDatabasesSettingsAsync(Npgsql.NpgsqlConnection source,
        Npgsql.NpgsqlConnection target, string targetDatabase, CancellationToken ct)
    {
        var onTarget = (await RoleCatalog.ReadDatabaseRoleSettingsAsync(target, ct))
            .Select(s => (s.Role, s.Database, SettingSql.Key(s.Setting))).ToHashSet();
        var result = new List<PlannedStatement>();
        foreach (var (role, database, setting) in await RoleCatalog.ReadDatabaseRoleSettingsAsync(source, ct))
        {
            if (database == source.Database || database == targetDatabase || onTarget.Contains((role, database, SettingSql.Key(setting)))) continue;
            if (!await DatabaseCatalog.ExistsAsync(target, database, ct) || SettingSql.Assignment(setting) is not { } set) continue;
            result.Add(new PlannedStatement($"ALTER ROLE {Sql.Quote.Ident(role)} IN DATABASE {Sql.Quote.Ident(database)} {set}", optional: true));
        }
        return result;
    }
}
