using System.Text.RegularExpressions;
using Npgsql;
using PgMove.Catalog;
using PgMove.Sql;

namespace PgMove.Verify;

/// <summary>
/// Reads both sides' schema objects and sequence positions and lists what is missing, extra or different.
/// With --acl, every owned object also yields an "owner" and a "privileges" entry.
/// </summary>
internal static partial class SchemaComparer
{
    static readonly string[] KindOrder =
    [
        "database", "schema", "extension", "enum type", "domain", "composite type", "range type", "base type", "table", "foreign table",
        "column", "constraint", "index", "sequence", "sequence value", "view", "materialized view", "function",
        "procedure", "aggregate", "trigger", "large objects", "owner", "privileges",
    ];

    public static async Task<IReadOnlyList<SchemaDifference>> CompareAsync(NpgsqlConnection source, int sourceVersion,
        NpgsqlConnection target, int targetVersion, bool acl, IReadOnlySet<string> ignoredSettings, CancellationToken ct,
        Func<string, string, bool>? keep = null)
    {
        var expected = ReadAsync(source, sourceVersion, acl, ignoredSettings, ct);
        var actual = ReadAsync(target, targetVersion, acl, ignoredSettings, ct);
        await Task.WhenAll(expected, actual);
        if (keep is not null)
            foreach (var side in new[] { expected.Result, actual.Result })
                foreach (var key in side.Keys.Where(k => !keep(k.Kind, k.Name)).ToList()) side.Remove(key);
        return Compare(expected.Result, actual.Result, sourceVersion / 10000 != targetVersion / 10000);
    }

    static List<SchemaDifference> Compare(Dictionary<(string Kind, string Name), string> expected,
        Dictionary<(string Kind, string Name), string> actual, bool acrossMajors)
    {
        var differences = new List<SchemaDifference>();
        foreach (var (key, definition) in expected)
        {
            if (!actual.TryGetValue(key, out var other))
                differences.Add(new(key.Kind, key.Name, "missing on target", definition, null));
            else if (other != definition && !(acrossMajors && DeparseDifferences.Equivalent(key.Kind, definition, other)))
                differences.Add(new(key.Kind, key.Name, "differs", definition, other));
        }
        foreach (var (key, definition) in actual)
            if (!expected.ContainsKey(key))
                differences.Add(new(key.Kind, key.Name, "extra on target", null, definition));
        // A table missing (or extra) on the target: its columns, constraints and triggers are not listed one by one.
        var wholeTables = differences.Where(d => d.Kind is "table" or "foreign table" && d.Difference != "differs")
            .Select(d => d.Name + ".").ToList();
        differences.RemoveAll(d => d.Kind is "column" or "constraint" or "trigger" && d.Difference != "differs"
                                   && wholeTables.Any(t => d.Name.StartsWith(t, StringComparison.Ordinal)));
        return differences
            .OrderBy(d => Array.IndexOf(KindOrder, d.Kind) is var i && i < 0 ? KindOrder.Length : i)
            .ThenBy(d => d.Kind, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    static async Task<Dictionary<(string Kind, string Name), string>> ReadAsync(NpgsqlConnection connection, int version, bool acl,
        IReadOnlySet<string> ignoredSettings, CancellationToken ct)
    {
        var objects = new Dictionary<(string, string), string>();
        // The database's name may differ between the sides; what it was created with and its settings may not.
        var db = await DatabaseCatalog.ReadCurrentAsync(connection, version, ct);
        objects[("database", "(properties)")] =
            $"encoding {db.Encoding}, collate {db.Collate}, ctype {db.Ctype}, locale provider {db.LocaleProvider}" +
            (db.Locale is null ? "" : $" {db.Locale}") + $", settings [{string.Join("; ", db.Settings.Where(s => !ignoredSettings.Contains(s.Split('=')[0])).Order(StringComparer.Ordinal))}]";
        if (acl) objects[("owner", "database")] = db.Owner;
        foreach (var o in await SchemaObjectCatalog.ReadAsync(connection, version, ct))
        {
            objects[(o.Kind, o.Name)] = o.Definition;
            if (!acl || o.Owner is null) continue;
            objects[("owner", $"{o.Kind} {o.Name}")] = o.Owner;
            objects[("privileges", $"{o.Kind} {o.Name}")] = o.Acl ?? "(defaults)";
        }
        foreach (var s in await SequenceCatalog.ReadAsync(connection, ct, inTransaction: true))
            objects[("sequence value", $"{Display(s.Schema)}.{Display(s.Name)}")] =
                s.IsCalled ? $"last_value {s.LastValue}" : $"not called (last_value {s.LastValue})";
        if (await LargeObjectCatalog.DescribeAsync(connection, ct) is { } largeObjects)
            objects[("large objects", "(all)")] = largeObjects;
        return objects;
    }

    /// <summary>Like quote_ident: plain lower-case names as they are, others quoted.</summary>
    internal static string Display(string name) => PlainName().IsMatch(name) ? name : Quote.Ident(name);

    [GeneratedRegex("^[a-z_][a-z0-9_$]*$")]
    private static partial Regex PlainName();
}
