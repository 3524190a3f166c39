namespace PgMove.Globals;

/// <summary>One statement of a role plan.</summary>
/// <param name="Shown">The statement as it may be printed (a password hash replaced by a placeholder).</param>
/// <param name="Optional">A failure is a warning, not an error (settings, memberships in roles the user cannot grant).</param>
/// <param name="Sql">The statement as it runs.</param>
public sealed record PlannedStatement(string Sql, string Shown, bool Optional = false)
{
    public PlannedStatement(string sql, bool optional = false) : this(sql, sql, optional) { }
}
