using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Progress;
using PgMove.Sql;

namespace PgMove.Globals;

/// <summary>
/// --owner-map old=new after the restore. pg_restore cannot rename owners (it writes ALTER … OWNER TO from its archive),
/// so the archive is restored as it is, with "old" created for the run only; then, in the target database,
/// REASSIGN OWNED hands every object of old to new (every kind of object, which a per-object ALTER list would not),
/// old's privileges and default privileges are granted to new, DROP OWNED removes what is left of old, and old is dropped.
/// Old is a role this run created, so REASSIGN/DROP OWNED touch nothing outside the migrated database.
/// </summary>
public static class OwnerRemapper
{
    public static async Task RunAsync(NpgsqlConnection database, NpgsqlConnection maintenance, IReadOnlyList<string> temporaryRoles,
        GlobalsOptions options, IProgressSink sink, CancellationToken ct)
    {
        foreach (var old in temporaryRoles)
        {
            var @new = options.Map(old);
            var statements = new List<string> { $"REASSIGN OWNED BY {Quote.Ident(old)} TO {Quote.Ident(@new)}" };
            foreach (var g in await AclCatalog.ReadGrantsToAsync(database, old, ct))
                statements.Add($"GRANT {g.Privilege}{(g.Column is null ? "" : $" ({Quote.Ident(g.Column)})")} ON {g.Kind} {g.Name} " +
                               $"TO {Quote.Ident(@new)}{(g.Grantable ? " WITH GRANT OPTION" : "")}");
            foreach (var d in await AclCatalog.ReadDefaultGrantsAsync(database, old, ct))
                statements.Add($"ALTER DEFAULT PRIVILEGES FOR ROLE {Quote.Ident(options.Map(d.ForRole))}" +
                               $"{(d.Schema is null ? "" : $" IN SCHEMA {Quote.Ident(d.Schema)}")} GRANT {d.Privilege} ON {d.ObjectType} " +
                               $"TO {(d.Grantee is null ? "PUBLIC" : Quote.Ident(options.Map(d.Grantee)))}{(d.Grantable ? " WITH GRANT OPTION" : "")}");
            statements.Add($"DROP OWNED BY {Quote.Ident(old)}");
            await using (var tx = await database.BeginTransactionAsync(ct))
            {
                foreach (var sql in statements) await PgSession.ExecuteAsync(database, sql, ct);
                await tx.CommitAsync(ct);
            }
            await PgSession.ExecuteAsync(maintenance, $"DROP ROLE {Quote.Ident(old)}", ct);
            sink.Report(new Notice($"--owner-map: objects and privileges of {old} handed to {@new} " +
                                   $"({statements.Count - 2} privilege statement(s)); temporary role {old} dropped"));
        }
    }
}
