namespace PgMove.Preflight;

/// <summary>Short lists for evidence: the first few names and how many there are in all.</summary>
internal static class Listing
{
    public static string Few(IReadOnlyCollection<string> names, int shown = 5) =>
        names.Count <= shown
            ? string.Join(", ", names)
            : $"{string.Join(", ", names.Take(shown))}, … ({names.Count} in all)";
}
