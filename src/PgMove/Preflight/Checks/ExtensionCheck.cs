using PgMove.Catalog;

namespace PgMove.Preflight.Checks;

/// <summary>
/// Every extension installed on the source must be installable on the target (pg_available_extensions), at the same
/// version (pg_dump writes CREATE EXTENSION without a version: the target's default version is what gets installed),
/// and by the target user (extensions not marked trusted need a superuser).
/// </summary>
public sealed class ExtensionCheck : IPreflightCheck
{
    public string Name => "extensions";

    public async Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var installed = await ExtensionCatalog.ReadInstalledAsync(context.Source, ct);
        var available = await ExtensionCatalog.ReadAvailableAsync(context.Target, context.TargetServer.VersionNum, ct);
        // In an existing target database, CREATE EXTENSION IF NOT EXISTS keeps what is there (unless --clean drops it).
        var onTarget = context.TargetExists && !context.Options.Clean
            ? await ExtensionCatalog.ReadInstalledAsync(context.Target, ct)
            : new Dictionary<string, string>();
        var missing = installed.Keys.Where(e => !available.ContainsKey(e) && !onTarget.ContainsKey(e)).ToList();
        var present = installed.Where(e => !missing.Contains(e.Key)).ToList();
        return
        [
            Availability(installed, missing),
            Versions(present, available, onTarget),
            Superuser(context, present, available, onTarget),
        ];
    }

    static CheckItem Availability(IReadOnlyDictionary<string, string> installed, IReadOnlyList<string> missing)
    {
        if (missing.Count == 0)
            return CheckItem.Ok("extensions", $"{installed.Count} installed on the source ({string.Join(", ", installed.Keys)}), all available on the target");
        return CheckItem.Fail("extensions",
            $"installed on the source but not available on the target: {string.Join(", ", missing.Select(m => $"{m} {installed[m]}"))}",
            "install the extension's package on the target server (e.g. postgresql-<version>-<name>; on a managed service, " +
            "check its supported-extensions list), or DROP EXTENSION on the source if it is unused");
    }

    static CheckItem Versions(IReadOnlyList<KeyValuePair<string, string>> present,
        IReadOnlyDictionary<string, AvailableExtension> available, IReadOnlyDictionary<string, string> onTarget)
    {
        var differing = present
            .Select(e => (e.Key, Source: e.Value, Target: onTarget.TryGetValue(e.Key, out var v) ? v : available[e.Key].DefaultVersion))
            .Where(e => e.Source != e.Target).ToList();
        if (differing.Count == 0) return CheckItem.Ok("extension-versions", "the target installs the source's version of each extension");
        return CheckItem.Warn("extension-versions",
            string.Join(", ", differing.Select(d => $"{d.Key}: source {d.Source}, target {d.Target}")),
            "the target gets its own version, whose objects may differ: ALTER EXTENSION … UPDATE on the source first, " +
            "or check that the application works with the target's version");
    }

    static CheckItem Superuser(PreflightContext c, IReadOnlyList<KeyValuePair<string, string>> present,
        IReadOnlyDictionary<string, AvailableExtension> available, IReadOnlyDictionary<string, string> onTarget)
    {
        if (c.TargetIsSuperuser) return CheckItem.Ok("extension-privileges", $"user \"{c.TargetServer.CurrentUser}\" is a superuser on the target");
        var needing = present.Where(e => e.Key != "plpgsql" && !onTarget.ContainsKey(e.Key) && available.TryGetValue(e.Key, out var a) && a.NeedsSuperuser)
            .Select(e => e.Key).ToList();
        if (needing.Count == 0) return CheckItem.Ok("extension-privileges", $"user \"{c.TargetServer.CurrentUser}\" may create every extension needed (trusted or already there)");
        return CheckItem.Fail("extension-privileges",
            $"CREATE EXTENSION {string.Join(", ", needing)} needs a superuser on the target (not trusted); user \"{c.TargetServer.CurrentUser}\" is not one",
            "have an administrator create the target database and these extensions in it before the copy, or connect as a superuser " +
            "(on managed services, the service's admin role may create allow-listed extensions)");
    }
}
