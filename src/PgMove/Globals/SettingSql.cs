using PgMove.Sql;
using PgMove.Target;

namespace PgMove.Globals;

/// <summary>Turns a stored "name=value" role setting into the SET clause of ALTER ROLE.</summary>
public static class SettingSql
{
    /// <summary>The name part of a stored "name=value" setting.</summary>
    public static string Key(string setting) => setting.IndexOf('=') is > 0 and var eq ? setting[..eq] : setting;

    /// <summary>"SET name TO value" (list settings split into elements), or null for a malformed entry.</summary>
    public static string? Assignment(string setting)
    {
        var eq = setting.IndexOf('=');
        if (eq <= 0) return null;
        var (key, value) = (setting[..eq], setting[(eq + 1)..]);
        return $"SET {Quote.Ident(key)} TO {TargetDatabase.SettingValue(key, value)}";
    }
}
