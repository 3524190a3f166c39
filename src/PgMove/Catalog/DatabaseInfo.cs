namespace PgMove.Catalog;

/// <summary>The properties a database is created with, and the settings attached to it.</summary>
/// <param name="LocaleProvider">'c' (libc), 'i' (ICU) or 'b' (builtin, PostgreSQL 17+).</param>
/// <param name="Locale">The ICU or builtin locale when <paramref name="LocaleProvider"/> is not libc.</param>
/// <param name="Settings">ALTER DATABASE … SET entries, as stored: "name=value".</param>
/// <param name="Name">The database's name.</param>
/// <param name="Encoding">The server encoding, e.g. UTF8.</param>
/// <param name="Collate">datcollate (LC_COLLATE).</param>
/// <param name="Ctype">datctype (LC_CTYPE).</param>
/// <param name="Owner">The owning role.</param>
/// <param name="SizeBytes">pg_database_size.</param>
public sealed record DatabaseInfo(
    string Name,
    string Encoding,
    string Collate,
    string Ctype,
    char LocaleProvider,
    string? Locale,
    string Owner,
    IReadOnlyList<string> Settings,
    long SizeBytes);
