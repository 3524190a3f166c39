using System.Globalization;
using PgMove.Errors;

namespace PgMove.Cli.Commands;

/// <summary>Sizes as people write them: 500MB, 1.5GB, 64kB, or plain bytes (units are powers of 1024).</summary>
internal static class SizeParser
{
    static readonly (string Unit, long Factor)[] Units =
        [("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1)];

    public static long Parse(string text, string option)
    {
        var trimmed = text.Trim();
        var (unit, factor) = Units.FirstOrDefault(u => trimmed.EndsWith(u.Unit, StringComparison.OrdinalIgnoreCase), ("", 1));
        var number = trimmed[..^unit.Length].Trim();
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 0)
            throw new PgMoveException(ExitCode.Usage, $"{option}: '{text}' is not a size (e.g. 500MB, 2GB, 65536)");
        return (long)(value * factor);
    }
}
