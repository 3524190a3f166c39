namespace PgMove.Globals;

/// <summary>A role as <c>pg_roles</c> shows it, with its settings and comment (never its password, see <see cref="PasswordHash"/>).</summary>
/// <param name="ValidUntil">rolvaliduntil as the server prints it, or null for none.</param>
/// <param name="Settings">ALTER ROLE … SET entries for every database, as stored: "name=value".</param>
/// <param name="DatabaseSettings">ALTER ROLE … IN DATABASE (the migrated one) SET entries.</param>
/// <param name="Name">The role's name.</param>
/// <param name="Superuser">rolsuper.</param>
/// <param name="Inherit">rolinherit.</param>
/// <param name="CreateRole">rolcreaterole.</param>
/// <param name="CreateDb">rolcreatedb.</param>
/// <param name="Login">rolcanlogin.</param>
/// <param name="Replication">rolreplication.</param>
/// <param name="BypassRls">rolbypassrls.</param>
/// <param name="ConnectionLimit">rolconnlimit; -1 for no limit.</param>
/// <param name="Comment">The role's comment, or null.</param>
public sealed record RoleDefinition(
    string Name,
    bool Superuser,
    bool Inherit,
    bool CreateRole,
    bool CreateDb,
    bool Login,
    bool Replication,
    bool BypassRls,
    int ConnectionLimit,
    string? ValidUntil,
    string? Comment,
    IReadOnlyList<string> Settings,
    IReadOnlyList<string> DatabaseSettings)
{
    /// <summary>The stored hash from pg_authid, read only with --role-passwords; never printed.</summary>
    public string? PasswordHash { get; init; }

    /// <summary>True for PostgreSQL's predefined roles (pg_read_all_data, …), which every server has.</summary>
    public bool IsPredefined => Name.StartsWith("pg_", StringComparison.Ordinal);

    /// <summary>The attributes in CREATE ROLE syntax, e.g. "LOGIN INHERIT CREATEDB CONNECTION LIMIT 5".</summary>
    public string Attributes(bool superuser, bool replication, bool bypassRls)
    {
        var parts = new List<string>
        {
            Login ? "LOGIN" : "NOLOGIN",
            Inherit ? "INHERIT" : "NOINHERIT",
            CreateDb ? "CREATEDB" : "NOCREATEDB",
            CreateRole ? "CREATEROLE" : "NOCREATEROLE",
        };
        if (superuser) parts.Add("SUPERUSER");
        if (replication) parts.Add("REPLICATION");
        if (bypassRls) parts.Add("BYPASSRLS");
        if (ConnectionLimit != -1) parts.Add($"CONNECTION LIMIT {ConnectionLimit}");
        return string.Join(' ', parts);
    }
}
