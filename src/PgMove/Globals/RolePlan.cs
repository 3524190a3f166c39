namespace PgMove.Globals;

/// <summary>The statements that recreate a database's roles on the target, and what they mean for each role.</summary>
public sealed class RolePlan
{
    /// <summary>CREATE ROLE, GRANT (memberships), ALTER ROLE … SET, COMMENT ON ROLE, in order.</summary>
    public List<PlannedStatement> Statements { get; } = [];
    /// <summary>ALTER ROLE … IN DATABASE … SET: run once the target database exists.</summary>
    public List<PlannedStatement> DatabaseStatements { get; } = [];
    public List<RoleOutcome> Outcomes { get; } = [];
    /// <summary>Mappings, drops and differences to tell the user: (text, is a warning).</summary>
    public List<(string Text, bool Warning)> Notices { get; } = [];
    /// <summary>Target names of the roles that own the database or its objects.</summary>
    public List<string> Owners { get; } = [];
    /// <summary>Source roles renamed by --owner-map, created under their old name for the restore only and dropped after it.</summary>
    public List<string> TemporaryRoles { get; } = [];
}
