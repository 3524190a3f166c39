using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;
using PgMove.Progress;
using PgMove.Sql;

namespace PgMove.Globals;

/// <summary>
/// What a DBA does on a managed service where nobody is superuser: the migrating user joins the roles that own the
/// objects for the duration of the restore (ALTER … OWNER TO and CREATE DATABASE … OWNER need it), then leaves them.
/// </summary>
public sealed class TemporaryMemberships
{
    readonly string _user;
    readonly List<string> _granted = [];

    TemporaryMemberships(string user) => _user = user;

    /// <summary>The roles joined for this run.</summary>
    public IReadOnlyList<string> Granted => _granted;

    /// <summary>Grants <paramref name="user"/> each role of <paramref name="owners"/> whose privileges it does not have yet.</summary>
    public static async Task<TemporaryMemberships> GrantAsync(NpgsqlConnection target, string user, bool inherit,
        IEnumerable<string> owners, IProgressSink sink, CancellationToken ct)
    {
        var result = new TemporaryMemberships(user);
        foreach (var role in owners.Distinct().Where(r => r != user))
        {
            if (!await DatabaseCatalog.RoleExistsAsync(target, role, ct) || await RoleCatalog.HasPrivilegesOfAsync(target, role, ct))
                continue;
            try
            {
                await PgSession.ExecuteAsync(target, $"GRANT {Quote.Ident(role)} TO {Quote.Ident(user)}", ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                await result.RevokeAsync(target, sink);
                throw new PgMoveException(ExitCode.InsufficientPrivilege,
                    $"user \"{user}\" cannot join role \"{role}\", which owns objects of the source ({e.MessageText}); " +
                    $"grant it by hand (GRANT {role} TO {user}) or use --no-owner", e);
            }
            result._granted.Add(role);
        }
        if (result._granted.Count > 0)
            sink.Report(new Notice($"granted {user} temporary membership in {string.Join(", ", result._granted)} so that the restore can " +
                                   "give objects their owners (the target user is not a superuser); revoked at the end"));
        if (result._granted.Count > 0 && !inherit)
            sink.Report(new Notice($"{user} is NOINHERIT on the target: memberships do not give it the owners' privileges, " +
                                   "loading rows into their tables may fail", IsWarning: true));
        return result;
    }

    /// <summary>Revokes every membership this run granted; never throws (a failure is reported with the statement to run by hand).</summary>
    public async Task RevokeAsync(NpgsqlConnection target, IProgressSink sink)
    {
        var revoked = new List<string>();
        foreach (var role in _granted)
        {
            var sql = $"REVOKE {Quote.Ident(role)} FROM {Quote.Ident(_user)}";
            try
            {
                // A role dropped meanwhile (a temporary --owner-map role) took its memberships with it.
                if (await DatabaseCatalog.RoleExistsAsync(target, role, CancellationToken.None))
                    await PgSession.ExecuteAsync(target, sql, CancellationToken.None);
                revoked.Add(role);
            }
            catch (NpgsqlException e)
            {
                sink.Report(new Notice($"could not revoke the temporary membership ({e.Message}); run: {sql}", IsWarning: true));
            }
        }
        _granted.Clear();
        if (revoked.Count > 0)
            sink.Report(new Notice($"revoked the temporary membership of {_user} in {string.Join(", ", revoked)}"));
    }
}
