namespace PgMove.Cli.Rendering;

/// <summary>Human forms of sizes, counts and durations.</summary>
internal static class Format
{
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        var unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1) { bytes /= 1024; unit++; }
        return unit == 0 ? $"{bytes:0} {units[unit]}" : $"{bytes:0.0} {units[unit]}";
    }

    public static string Count(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan t) =>
        t.TotalSeconds < 60 ? $"{t.TotalSeconds:0.0}s" : t.TotalMinutes < 60 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{(int)t.TotalHours}h{t.Minutes:00}m";
}
