using System.Globalization;
using System.Net;

namespace PgMove.Reporting;

/// <summary>Numbers, sizes and durations as the report shows them (the CLI's console formats, in the engine).</summary>
internal static class ReportFormat
{
    static readonly string[] Units = ["B", "kB", "MB", "GB", "TB"];

    public static string Bytes(double bytes)
    {
        var unit = 0;
        while (bytes >= 1024 && unit < Units.Length - 1) { bytes /= 1024; unit++; }
        return unit == 0 ? $"{bytes:0} B" : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {Units[unit]}");
    }

    public static string Duration(TimeSpan t) => t.TotalSeconds < 60
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds:00} s");

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>HTML-escapes text for the page.</summary>
    public static string H(string? text) => WebUtility.HtmlEncode(text ?? "");
}
