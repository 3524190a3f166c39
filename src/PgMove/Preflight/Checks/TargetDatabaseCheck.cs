using PgMove.Catalog;
using PgMove.Sql;
using PgMove.Target;

namespace PgMove.Preflight.Checks;

/// <summary>
/// Whether the target user can create the target database (CREATEDB) or, when it exists, create the source's schemas
/// and objects in it (CREATE on the database and schemas), and whether it is empty (copy refuses otherwise without --clean).
/// </summary>
public sealed class TargetDatabaseCheck : IPreflightCheck
{
    public string Name => "target-database";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct) =>
        [await CreatePrivilegeAsync(context, ct), await EmptinessAsync(context, ct)];

    static async Task<CheckItem> CreatePrivilegeAsync(PreflightContext c, CancellationToken ct)
    {
        var (user, db) = (c.TargetServer.CurrentUser, c.TargetSpec.Database);
        if (!c.TargetExists)
        {
            if (c.TargetServer.IsSuperuser || c.TargetServer.CanCreateDatabase)
                return CheckItem.Ok("target-database", $"\"{db}\" does not exist: user \"{user}\" will create it ({(c.TargetServer.IsSuperuser ? "superuser" : "CREATEDB")})");
            return CheckItem.Fail("target-database", $"\"{db}\" does not exist and user \"{user}\" has no CREATEDB",
                $"ALTER ROLE {Quote.Ident(user)} CREATEDB, or have an administrator run CREATE DATABASE {Quote.Ident(db)} " +
                $"TEMPLATE template0 ENCODING '{c.SourceDatabase.Encoding}' and GRANT CREATE on it to {Quote.Ident(user)}");
        }
        var schemas = (await ObjectCatalog.ReadSchemasAsync(c.Source, ct)).ToList();
        if (!await PrivilegeCatalog.SchemaHoldsObjectsAsync(c.Source, "public", ct)) schemas.Remove("public");
        var missing = await PrivilegeCatalog.ReadMissingSchemasAsync(c.Target, schemas, ct);
        var noCreate = await PrivilegeCatalog.ReadSchemasWithoutCreateAsync(c.Target, schemas, ct);
        var problems = new List<string>();
        var fixes = new List<string>();
        if (missing.Count > 0 && !await PrivilegeCatalog.CanCreateInDatabaseAsync(c.Target, ct))
        {
            problems.Add($"no CREATE on database \"{db}\" (needed for schemas {string.Join(", ", missing)})");
            fixes.Add($"GRANT CREATE ON DATABASE {Quote.Ident(db)} TO {Quote.Ident(user)}");
        }
        if (noCreate.Count > 0)
        {
            problems.Add($"no CREATE on schema(s) {string.Join(", ", noCreate)}");
            fixes.Add($"GRANT CREATE ON SCHEMA {string.Join(", ", noCreate)} TO {Quote.Ident(user)}");
        }
        if (problems.Count > 0)
            return CheckItem.Fail("target-database", $"\"{db}\" exists; user \"{user}\" has {string.Join("; ", problems)}",
                string.Join("; ", fixes) + " (as the database owner or an administrator)");
        return CheckItem.Ok("target-database", $"\"{db}\" exists; user \"{user}\" may create the source's schemas and objects in it");
    }

    static async Task<CheckItem> EmptinessAsync(PreflightContext c, CancellationToken ct)
    {
        if (!c.TargetExists) return CheckItem.Ok("target-empty", $"\"{c.TargetSpec.Database}\" will be created empty");
        var objects = await DatabaseCatalog.ListUserObjectsAsync(c.Target, 5, ct);
        if (objects.Count == 0) return CheckItem.Ok("target-empty", $"\"{c.TargetSpec.Database}\" exists and holds no user objects");
        var found = string.Join(", ", objects) + (objects.Count == 5 ? ", …" : "");
        if (c.Options.Clean)
        {
            // copy --clean asks the same plan: what it drops, and whether any of it is the target's own.
            var clean = await CleanPlan.ReadAsync(c.Source, c.Target, ct);
            if (!clean.Safe)
                return CheckItem.Fail("target-empty", clean.RefusalMessage(c.TargetSpec.Database).Replace("; nothing was dropped", ""),
                    "move or drop these objects on the target yourself, or copy into another database: copy --clean refuses (exit 6)");
            return CheckItem.Warn("target-empty", $"\"{c.TargetSpec.Database}\" is not empty ({found})",
                $"--clean will drop {clean.Objects.Count} object(s), all of which the source has: {CleanPlan.Named(clean.Objects)}");
        }
        return CheckItem.Fail("target-empty", $"\"{c.TargetSpec.Database}\" is not empty ({found}): copy refuses it",
            "run copy with --clean to drop what it would create, or choose an empty or new target database");
    }
}
