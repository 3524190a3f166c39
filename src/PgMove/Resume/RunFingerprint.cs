using PgMove.Copy;

namespace PgMove.Resume;

/// <summary>The options a resume must repeat: those that change what is made on the target. --jobs may differ.</summary>
public static class RunFingerprint
{
    /// <summary>The options by name, as recorded in the manifest.</summary>
    /// <param name="options">The copy's options.</param>
    public static IReadOnlyDictionary<string, string> Of(CopyOptions options)
    {
        var g = options.Globals;
        var values = new Dictionary<string, string?>
        {
            ["--clean"] = Flag(options.Clean),
            ["--no-owner"] = Flag(options.NoOwner),
            ["--no-acl"] = Flag(options.NoAcl),
            ["--split-larger-than"] = options.SplitLargerThan?.ToString(),
            ["--tune-target"] = Flag(options.TuneTarget),
            ["--roles"] = Flag(g.Roles),
            ["--role-passwords"] = Flag(g.RolePasswords),
            ["--superuser-role"] = g.SuperuserRole,
            ["--owner-map"] = g.OwnerMap.Count == 0 ? null : string.Join(",", g.OwnerMap.OrderBy(m => m.Key).Select(m => $"{m.Key}={m.Value}")),
            ["--no-tablespaces"] = g.NoTablespaces is { } t ? t.ToString().ToLowerInvariant() : null,
            ["filters"] = options.Filters.IsEmpty ? null : options.Filters.Describe(),
            ["--after-pre-data"] = options.Hooks.AfterPreData,
            ["--after-copy"] = options.Hooks.AfterCopy,
        };
        return values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!);
    }

    static string? Flag(bool on) => on ? "on" : null;
}
