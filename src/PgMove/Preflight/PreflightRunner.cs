using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Errors;
using PgMove.Preflight.Checks;

namespace PgMove.Preflight;

/// <summary>
/// <c>pgmove check</c>: connects to both sides the way copy does, with read-only sessions, runs every check and
/// returns the report. Nothing is created, changed or locked on either side.
/// </summary>
public sealed class PreflightRunner(CheckOptions options)
{
    const string AppName = "pgmove check";

    /// <summary>The checks, in report order.</summary>
    static IReadOnlyList<IPreflightCheck> Checks(bool online)
    {
        var checks = new List<IPreflightCheck>
        {
            new ServerCheck(), new LocaleCheck(), new TargetDatabaseCheck(), new SourcePrivilegeCheck(), new RoleCheck(), new OwnershipCheck(),
            new ExtensionCheck(), new ConnectionCheck(), new LockCheck(), new TableCheck(), new ObjectCheck(), new SizeCheck(), new FilterCheck(),
        };
        if (online) checks.Add(new ReplicationCheck());
        return checks;
    }

    /// <summary>Connects to both sides (errors map to exit codes as for copy), runs every check, returns the report.</summary>
    public async Task<CheckReport> RunAsync(CancellationToken ct)
    {
        var target = options.Target.HasExplicitDatabase ? options.Target : options.Target.WithDatabase(options.Source.Database);
        await using var source = await PgSession.OpenAsync(
            Unpooled(options.Source), Side.Source, options.Source.ToString(), ct);
        var sourceServer = await ServerCatalog.ReadAsync(source, ct);
        var sourceDatabase = await DatabaseCatalog.ReadCurrentAsync(source, sourceServer.VersionNum, ct);

        ServerInfo targetServer;
        var maintenance = await MaintenanceSession.OpenAsync(target, ct, Unpooled);
        try
        {
            targetServer = await ServerCatalog.ReadAsync(maintenance, ct);
            if (!await DatabaseCatalog.ExistsAsync(maintenance, target.Database, ct))
                return await RunChecksAsync(target, source, sourceServer, sourceDatabase, maintenance, targetServer, null, ct);
        }
        finally
        {
            await maintenance.DisposeAsync();
        }
        await using var targetConnection = await PgSession.OpenAsync(
            Unpooled(target), Side.Target, target.ToString(), ct);
        var targetDatabase = await DatabaseCatalog.ReadCurrentAsync(targetConnection, targetServer.VersionNum, ct);
        return await RunChecksAsync(target, source, sourceServer, sourceDatabase, targetConnection, targetServer, targetDatabase, ct);
    }

    async Task<CheckReport> RunChecksAsync(ConnectionSpec target, NpgsqlConnection source, ServerInfo sourceServer,
        DatabaseInfo sourceDatabase, NpgsqlConnection targetConnection, ServerInfo targetServer, DatabaseInfo? targetDatabase,
        CancellationToken ct)
    {
        var context = new PreflightContext
        {
            Options = options,
            TargetSpec = target,
            Source = source,
            SourceServer = sourceServer,
            SourceDatabase = sourceDatabase,
            Target = targetConnection,
            TargetServer = targetServer,
            TargetExists = targetDatabase is not null,
            TargetDatabase = targetDatabase,
            Selection = await SelectionOrEverythingAsync(source, ct),
        };
        var items = new List<CheckItem>();
        foreach (var check in Checks(options.Online))
        {
            try
            {
                items.AddRange(await check.RunAsync(context, ct));
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.UndefinedFunction or PostgresErrorCodes.FeatureNotSupported)
            {
                // A managed service may hide a catalog or function from this user: say so instead of guessing.
                items.Add(CheckItem.Warn(check.Name, $"could not be checked: {e.MessageText}",
                    "check this item by hand, or run pgmove check as a user who can read it"));
            }
        }
        return new CheckReport(options.Source.ToString(), target.ToString(), options.Online, items);
    }

    /// <summary>The filters' selection; everything when they do not resolve (FilterCheck says why, from the same reader).</summary>
    async Task<Filters.Selection> SelectionOrEverythingAsync(NpgsqlConnection source, CancellationToken ct)
    {
        try
        {
            return await Filters.SelectionReader.ReadAsync(source, options.Filters, options.Source.Database, ct);
        }
        catch (Errors.PgMoveException e) when (e.ExitCode == Errors.ExitCode.Usage)
        {
            return Filters.Selection.Everything;
        }
    }

    // Read-only sessions, like copy's source sessions. Unpooled: each closes for real (the connection count check
    // counts this run's own sessions), and a target that is the source does not wait for the source's pooled slot.
    static string Unpooled(ConnectionSpec spec) =>
        new NpgsqlConnectionStringBuilder(spec.ToNpgsql(AppName, SessionSettings.Source)) { Pooling = false }.ConnectionString;

}
