namespace PgMove.Catalog;

/// <summary>An extension a server can install (from pg_available_extensions).</summary>
/// <param name="NeedsSuperuser">True when installing <paramref name="DefaultVersion"/> needs a superuser (not trusted).</param>
/// <param name="Name">The extension's name.</param>
/// <param name="DefaultVersion">The version CREATE EXTENSION installs when none is given.</param>
public sealed record AvailableExtension(string Name, string DefaultVersion, bool NeedsSuperuser);
