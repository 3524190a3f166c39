using System.Text;
using PgMove.Errors;

namespace PgMove.Connections;

/// <summary>
/// Parses the two libpq connection string forms into keyword/value pairs:
/// URIs (<c>postgres://user:pw@host:port/db?sslmode=require</c>) and <c>key=value</c> conninfo strings.
/// A bare word is a database name, as in libpq.
/// </summary>
internal static class ConnInfoParser
{
    public static Dictionary<string, string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return ParseUri(text);
        if (text.Contains('='))
            return ParseKeyValue(text);
        RejectUriLookalike(text);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.Length > 0) result["dbname"] = text;
        return result;
    }

    /// <summary>
    /// libpq reads any other bare word as a database name, so "postgress://host/db" or "postgres//host/db" would
    /// become a database of that name on the default host, and the typo would surface as "cannot connect" to
    /// localhost. No sane database name holds "/" or ":", so such a word is a malformed URI. The text is not
    /// echoed: it may hold a password.
    /// </summary>
    static void RejectUriLookalike(string text)
    {
        if (text.IndexOfAny(['/', ':']) < 0) return;
        var scheme = text.IndexOf("://", StringComparison.Ordinal) is var s and > 0 && text[..s].All(char.IsAsciiLetter) ? $" (scheme '{text[..s]}')" : "";
        throw Malformed($"not a postgres:// or postgresql:// URI{scheme}, nor key=value pairs");
    }

    static Dictionary<string, string> ParseUri(string uri)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];

        var query = "";
        var q = rest.IndexOf('?');
        if (q >= 0) { query = rest[(q + 1)..]; rest = rest[..q]; }

        var slash = rest.IndexOf('/');
        var authority = slash >= 0 ? rest[..slash] : rest;
        if (slash >= 0 && slash + 1 < rest.Length) result["dbname"] = Decode(rest[(slash + 1)..]);

        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            if (colon >= 0)
            {
                result["user"] = Decode(userInfo[..colon]);
                result["password"] = Decode(userInfo[(colon + 1)..]);
            }
            else if (userInfo.Length > 0) result["user"] = Decode(userInfo);
        }
        ParseHosts(authority, result);

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw Malformed($"query parameter '{pair}' has no value");
            result[Decode(pair[..eq])] = Decode(pair[(eq + 1)..]);
        }
        return result;
    }

    static void ParseHosts(string authority, Dictionary<string, string> result)
    {
        if (authority.Length == 0) return;
        var hosts = new List<string>();
        var ports = new List<string>();
        foreach (var part in authority.Split(','))
        {
            string host, port = "";
            if (part.StartsWith('['))
            {
                var close = part.IndexOf(']');
                if (close < 0) throw Malformed("unterminated IPv6 address");
                host = part[1..close];
                if (close + 1 < part.Length && part[close + 1] == ':') port = part[(close + 2)..];
            }
            else
            {
                var colon = part.LastIndexOf(':');
                host = colon >= 0 ? part[..colon] : part;
                port = colon >= 0 ? part[(colon + 1)..] : "";
            }
            hosts.Add(Decode(host));
            ports.Add(port);
        }
        if (hosts.Any(h => h.Length > 0)) result["host"] = string.Join(',', hosts);
        if (ports.Any(p => p.Length > 0)) result["port"] = string.Join(',', ports);
    }

    static Dictionary<string, string> ParseKeyValue(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) return result;
            var keyStart = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i])) i++;
            var key = text[keyStart..i];
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length || text[i] != '=') throw Malformed($"missing '=' after '{key}'");
            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            result[key] = ReadValue(text, ref i, key);
        }
    }

    static string ReadValue(string text, ref int i, string key)
    {
        var sb = new StringBuilder();
        if (i < text.Length && text[i] == '\'')
        {
            i++;
            while (true)
            {
                if (i >= text.Length) throw Malformed($"unterminated quoted value for '{key}'");
                var c = text[i++];
                if (c == '\'') return sb.ToString();
                if (c == '\\' && i < text.Length) c = text[i++];
                sb.Append(c);
            }
        }
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            var c = text[i++];
            if (c == '\\' && i < text.Length) c = text[i++];
            sb.Append(c);
        }
        return sb.ToString();
    }

    static string Decode(string s)
    {
        try { return Uri.UnescapeDataString(s); }
        catch (UriFormatException) { throw Malformed("bad percent-encoding"); }
    }

    static PgMoveException Malformed(string why) =>
        new(ExitCode.Usage, $"malformed connection string: {why}");
}
