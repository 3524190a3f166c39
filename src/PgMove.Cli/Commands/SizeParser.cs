using System.CommandLine;
using System.Globalization;

namespace PgMove.Cli.Commands;

/// <summary>
/// Sizes as people write them, the same for every option that takes one: 500MB, 1.5GB, 64kB, 1MiB or plain bytes
/// (units are powers of 1024, case does not matter).
/// </summary>
internal static class SizeParser
{
    static readonly (string Unit, long Factor)[] Units =
    [
        ("TiB", 1L << 40), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10),
        ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1),
    ];

    /// <summary>An option taking a size; a value that is not one is a usage error (exit 2) naming the option.</summary>
    public static Option<long?> Option(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "size",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return null;
            var text = result.Tokens[0].Value;
            if (TryParse(text, out var bytes)) return bytes;
            result.AddError($"{name}: '{text}' is not a size (e.g. 500MB, 2GB, 65536)");
            return null;
        },
    };

    public static bool TryParse(string text, out long bytes)
    {
        var trimmed = text.Trim();
        var (unit, factor) = Units.FirstOrDefault(u => trimmed.EndsWith(u.Unit, StringComparison.OrdinalIgnoreCase), ("", 1));
        var number = trimmed[..^unit.Length].Trim();
        var ok = decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                 && value * factor <= long.MaxValue;
        bytes = ok ? (long)(value * factor) : 0;
        return ok;
    }
}
