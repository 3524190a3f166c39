namespace PgMove.Globals;

/// <summary><paramref name="Member"/> is a member of <paramref name="Role"/> (GRANT Role TO Member [WITH ADMIN OPTION]).</summary>
public sealed record RoleMembership(string Role, string Member, bool AdminOption);
