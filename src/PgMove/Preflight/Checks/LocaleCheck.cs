using PgMove.Catalog;
using PgMove.Target;

namespace PgMove.Preflight.Checks;

/// <summary>
/// Encoding, collation, ctype and locale provider: whether copy's CREATE DATABASE (template0, the source's settings) will
/// succeed on the target, or, for an existing target database, how its settings differ from the source's.
/// </summary>
public sealed class LocaleCheck : IPreflightCheck
{
    public string Name => "locale";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var source = context.SourceDatabase;
        if (context.TargetDatabase is { } target)
            return [EncodingRule.Judge(source.Encoding, target.Encoding), CompareLocale(source, target)];
        return [EncodingRule.Judge(source.Encoding, null), await NewDatabaseLocaleAsync(context, source, ct)];
    }

    static CheckItem CompareLocale(DatabaseInfo source, DatabaseInfo target)
    {
        var (s, t) = (Describe(source), Describe(target));
        if (s == t) return CheckItem.Ok("locale", s + " on both sides");
        return CheckItem.Warn("locale", $"source {s}, existing target database {t}",
            "text sorts and compares by the target's rules: ORDER BY results and unique indexes on text may differ; " +
            "recreate the target database with the source's locale to keep them");
    }

    async Task<CheckItem> NewDatabaseLocaleAsync(PreflightContext context, DatabaseInfo source, CancellationToken ct)
    {
        var target = context.TargetServer;
        var described = Describe(source);
        if (ProviderSupport(source, target, source.LocaleProvider == 'i' && await ClusterObjectCatalog.HasIcuAsync(context.Target, ct)) is { } refused)
            return refused;
        var known = (await ClusterObjectCatalog.ReadKnownLibcLocalesAsync(context.Target, ct)).Select(Normalize).ToHashSet();
        var unknown = new[] { source.Collate, source.Ctype }.Distinct().Where(l => !known.Contains(Normalize(l))).ToList();
        if (unknown.Count > 0)
            return CheckItem.Warn("locale", $"source {described}: {string.Join(", ", unknown)} not among the target's known locales (pg_collation)",
                $"CREATE DATABASE fails if the target's operating system lacks the locale: install it there (locale-gen {unknown[0]}) " +
                "or create the target database yourself");
        return CheckItem.Ok("locale", described + ": the target database will be created with it");
    }

    /// <summary>
    /// The failing item when the target server cannot create a database with the source's locale provider (ICU before
    /// PostgreSQL 15 or without ICU, builtin before 17): copy's CREATE DATABASE refuses it. Null when it can.
    /// </summary>
    public static CheckItem? ProviderSupport(DatabaseInfo source, ServerInfo target, bool targetHasIcu)
    {
        var described = Describe(source);
        return source.LocaleProvider switch
        {
            'i' when target.VersionNum < 150000 => Unsupported(15),
            'b' when target.VersionNum < 170000 => Unsupported(17),
            'i' when !targetHasIcu => CheckItem.Fail("locale", $"source {described}: the target server was built without ICU",
                "use a target server built with ICU (most packages are), or create the target database yourself with a libc locale"),
            _ => null,
        };

        CheckItem Unsupported(int version) => CheckItem.Fail("locale",
            $"source {described}: the target server ({target.Version}) has no such locale provider",
            $"use a target of version {version} or newer, or create the target database yourself with a libc locale");
    }

    static string Describe(DatabaseInfo d)
    {
        var provider = d.LocaleProvider switch { 'i' => "icu", 'b' => "builtin", _ => "libc" };
        var collation = d.Collate == d.Ctype ? $"collate/ctype {d.Collate}" : $"collate {d.Collate}, ctype {d.Ctype}";
        return $"{provider} {collation}" + (d.Locale is null ? "" : $", locale {d.Locale}");
    }

    // glibc accepts "en_US.UTF-8" and "en_US.utf8" alike; pg_collation holds the latter.
    static string Normalize(string locale) => locale.ToLowerInvariant().Replace("-", "");
}
