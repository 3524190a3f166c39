namespace PgMove.Verify;

/// <summary>
/// Server settings of verify's sessions, identical on both sides: every value's text form (which the checksums hash)
/// depends only on the value, not on the server's configuration; search_path=pg_catalog makes catalog deparsers
/// qualify every name. Both sides are read-only: verify never writes.
/// </summary>
internal static class VerifySessionSettings
{
    public static readonly KeyValuePair<string, string>[] Both =
    [
        new("DateStyle", "ISO, MDY"), new("IntervalStyle", "postgres"), new("TimeZone", "UTC"),
        new("extra_float_digits", "3"), new("bytea_output", "hex"), new("lc_monetary", "C"),
        new("search_path", "pg_catalog"), new("default_transaction_read_only", "on"),
        new("statement_timeout", "0"), new("lock_timeout", "0"), new("idle_in_transaction_session_timeout", "0"),
    ];
}
