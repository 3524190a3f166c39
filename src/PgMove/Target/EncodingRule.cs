using PgMove.Preflight;

namespace PgMove.Target;

/// <summary>
/// Whether rows of the source's encoding can go into the target database: the one rule copy enforces (refusing,
/// exit 9, before changing anything) and check reports (the <c>encoding</c> item), so the two cannot disagree.
/// </summary>
public static class EncodingRule
{
    /// <summary>The verdict for a source database of <paramref name="source"/> encoding and an existing target database
    /// of <paramref name="target"/> encoding, or a target database copy creates (null: it gets the source's encoding).</summary>
    public static CheckItem Judge(string source, string? target)
    {
        if (target is null)
            return source == "SQL_ASCII"
                ? CheckItem.Warn("encoding", "the source database is SQL_ASCII: its bytes carry no known encoding",
                    "pgmove does not support SQL_ASCII sources yet; convert the source to UTF8 first (dump, iconv, restore)")
                : CheckItem.Ok("encoding", $"{source}: the target database will be created with it");
        if (source == target) return CheckItem.Ok("encoding", $"{source} on both sides");
        var evidence = $"source {source}, existing target database {target}";
        if (target == "UTF8" && source != "SQL_ASCII")
            return CheckItem.Warn("encoding", evidence + ": rows are converted to UTF8 on the way",
                "fine for text; applications that rely on the old encoding's byte lengths may notice");
        // A SQL_ASCII target would take any bytes without checking them and lose what encoding they are in; another
        // encoding than UTF8 cannot hold every character of the source's, and COPY would stop half-way.
        var why = target == "SQL_ASCII"
            ? ": a SQL_ASCII database stores bytes without an encoding (no validation, byte-wise text functions)"
            : ": characters the target encoding cannot hold make COPY fail";
        return CheckItem.Fail("encoding", evidence + why,
            $"drop the target database and let pgmove create it with {source}, or create it WITH ENCODING '{source}' TEMPLATE template0");
    }
}
