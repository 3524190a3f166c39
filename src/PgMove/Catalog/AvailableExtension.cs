namespace PgMove.Catalog;

/// <summary>An extension a server can install (from pg_available_extensions).</summary>
/// <param name="NeedsSuperuser">True when installing <paramref name="DefaultVersion"/> needs a superuser (not trusted).</param>
public sealed record AvailableExtension(string Name, string DefaultVersion, bool NeedsSuperuser);
