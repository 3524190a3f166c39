namespace PgMove.Catalog;

/// <summary>One entry of ALTER DEFAULT PRIVILEGES FOR ROLE <c>ForRole</c> [IN SCHEMA <c>Schema</c>]; <c>Grantee</c> null for PUBLIC.</summary>
public sealed record DefaultAclGrant(string ForRole, string? Schema, string ObjectType, string? Grantee, string Privilege, bool Grantable);
