using System.Text;
using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;
using PgMove.Sql;

namespace PgMove.Target;

/// <summary>Creates the target database like the source's and carries its settings over (--clean: <see cref="CleanPlan"/>).</summary>
public static class TargetDatabase
{
    /// <summary>
    /// Drops a database this run created (a failed all-or-nothing restore, a scratch database), after closing the idle
    /// pooled sessions of <paramref name="pooled"/>, which would keep DROP DATABASE waiting. Never cancelled: it is the
    /// clean-up of a run that is ending.
    /// </summary>
    /// <param name="database">The database to drop (its server is reached through the maintenance database).</param>
    /// <param name="pooled">The connection string whose pool holds sessions in it.</param>
    /// <param name="force">WITH (FORCE): other sessions in it are ended (PostgreSQL 13+).</param>
    public static async Task DropCreatedAsync(ConnectionSpec database, string pooled, bool force = false)
    {
        using (var connection = new NpgsqlConnection(pooled)) NpgsqlConnection.ClearPool(connection);
        await using var maintenance = await MaintenanceSession.OpenAsync(database, CancellationToken.None);
        await PgSession.ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS {Quote.Ident(database.Database)}{(force ? " WITH (FORCE)" : "")}",
            CancellationToken.None);
    }

    /// <summary>CREATE DATABASE from template0 with the source's encoding and locale, owned by the source's owner when possible.</summary>
    public static async Task CreateAsync(NpgsqlConnection maintenance, string name, DatabaseInfo source, ServerInfo target,
        IProgressSink sink, CancellationToken ct)
    {
        var sql = new StringBuilder($"CREATE DATABASE {Quote.Ident(name)} WITH TEMPLATE template0 ENCODING {Quote.Literal(source.Encoding)}");
        sql.Append($" LC_COLLATE {Quote.Literal(source.Collate)} LC_CTYPE {Quote.Literal(source.Ctype)}");
        switch (source.LocaleProvider)
        {
            case 'i' when target.VersionNum >= 150000:
                sql.Append($" LOCALE_PROVIDER icu ICU_LOCALE {Quote.Literal(source.Locale ?? "")}");
                break;
            case 'b' when target.VersionNum >= 170000:
                sql.Append($" LOCALE_PROVIDER builtin BUILTIN_LOCALE {Quote.Literal(source.Locale ?? "")}");
                break;
            case 'i' or 'b':
                throw new PgMoveException(ExitCode.Incompatible,
                    $"the source database uses the {(source.LocaleProvider == 'i' ? "ICU" : "builtin")} locale provider, " +
                    $"which the target server (version {target.Version}) does not have");
        }
        if (await CanOwnAsync(maintenance, source.Owner, target, ct))
            sql.Append($" OWNER {Quote.Ident(source.Owner)}");
        else
            sink.Report(new Notice($"target database owned by {target.CurrentUser}: role \"{source.Owner}\" (the source's owner) " +
                                   "does not exist on the target or cannot be granted by this user", IsWarning: true));
        await PgSession.ExecuteAsync(maintenance, sql.ToString(), ct);
        sink.Report(new Notice($"created target database \"{name}\" (encoding {source.Encoding}, collate {source.Collate}, " +
                               $"ctype {source.Ctype}{(source.Locale is null ? "" : $", locale {source.Locale}")})"));
    }

    static async Task<bool> CanOwnAsync(NpgsqlConnection maintenance, string owner, ServerInfo target, CancellationToken ct)
    {
        if (!await DatabaseCatalog.RoleExistsAsync(maintenance, owner, ct)) return false;
        if (target.IsSuperuser) return true;
        await using var cmd = new NpgsqlCommand("SELECT pg_has_role($1, 'MEMBER')", maintenance);
        cmd.Parameters.AddWithValue(owner);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>ALTER DATABASE … SET for each of the source database's own settings.</summary>
    public static async Task ApplySettingsAsync(NpgsqlConnection connection, string name, IReadOnlyList<string> settings,
        IProgressSink sink, CancellationToken ct)
    {
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=');
            if (eq <= 0) continue;
            var (key, value) = (setting[..eq], setting[(eq + 1)..]);
            var sql = $"ALTER DATABASE {Quote.Ident(name)} SET {Quote.Ident(key)} TO {SettingValue(key, value)}";
            try
            {
                await PgSession.ExecuteAsync(connection, sql, ct);
            }
            catch (PostgresException e)
            {
                sink.Report(new Notice($"database setting {key} not carried over: {e.MessageText}", IsWarning: true));
            }
        }
    }

    // List-valued settings (search_path, …) are stored as one string of comma-separated, possibly double-quoted
    // elements; each element must become its own literal, as pg_dumpall does, or "a, b" becomes one schema name.
    internal static string SettingValue(string key, string value)
    {
        string[] listSettings = ["search_path", "temp_tablespaces", "session_preload_libraries",
                                 "local_preload_libraries", "shared_preload_libraries", "unix_socket_directories"];
        if (!listSettings.Contains(key.ToLowerInvariant())) return Quote.Literal(value);
        return string.Join(", ", SplitList(value).Select(Quote.Literal));
    }

    static IEnumerable<string> SplitList(string value)
    {
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"')
            {
                if (quoted && i + 1 < value.Length && value[i + 1] == '"') { current.Append('"'); i++; }
                else quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                yield return current.ToString().Trim();
                current.Clear();
            }
            else current.Append(c);
        }
        yield return current.ToString().Trim();
    }
}
