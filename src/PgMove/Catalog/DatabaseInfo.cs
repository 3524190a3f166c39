namespace PgMove.Catalog;

/// <summary>The properties a database is created with, and the settings attached to it.</summary>
/// <param name="LocaleProvider">'c' (libc), 'i' (ICU) or 'b' (builtin, PostgreSQL 17+).</param>
/// <param name="Locale">The ICU or builtin locale when <paramref name="LocaleProvider"/> is not libc.</param>
/// <param name="Settings">ALTER DATABASE … SET entries, as stored: "name=value".</param>
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
