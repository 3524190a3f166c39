namespace PgMove.Catalog;

/// <summary>One privilege: GRANT <c>Privilege</c> [(<c>Column</c>)] ON <c>Kind</c> <c>Name</c>; the name is quoted by the server.</summary>
public sealed record AclGrant(string Kind, string Name, string? Column, string Privilege, bool Grantable);
