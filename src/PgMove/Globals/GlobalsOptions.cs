namespace PgMove.Globals;

/// <summary>What to do about roles, ownership and tablespaces (<c>pgmove roles</c>, <c>pgmove copy --roles</c>).</summary>
public sealed record GlobalsOptions
{
    /// <summary>Create on the target the roles the database depends on.</summary>
    public bool Roles { get; init; }
    /// <summary>Every role of the source server, not only those the database depends on (<c>roles --all</c>, <c>copy --all-databases</c>).</summary>
    public bool AllRoles { get; init; }
    /// <summary>Copy password hashes (needs read access to pg_authid on the source).</summary>
    public bool RolePasswords { get; init; }
    /// <summary>A target role that source superusers become members of, instead of being superusers.</summary>
    public string? SuperuserRole { get; init; }
    /// <summary>Owners and grantees renamed on the target: source role → target role.</summary>
    public IReadOnlyDictionary<string, string> OwnerMap { get; init; } = new Dictionary<string, string>();
    /// <summary>Restore without tablespace assignments; null: when the target user is not a superuser.</summary>
    public bool? NoTablespaces { get; init; }
    /// <summary>Plan and report, change nothing (<c>pgmove roles --dry-run</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>The target name of a source role.</summary>
    public string Map(string role) => OwnerMap.GetValueOrDefault(role, role);
}
