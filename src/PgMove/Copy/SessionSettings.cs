namespace PgMove.Copy;

/// <summary>
/// Server settings of pgmove's sessions. Both sides use the same text forms (DateStyle, IntervalStyle, float digits,
/// a locale-free money format) so text COPY round-trips exactly; no timeouts cut a long COPY or index build; the
/// source is read-only at the server, the target commits without waiting for its WAL flush. JIT is off: pgmove's
/// catalog queries over 10,000 tables passed jit_above_cost and spent a second of the source's CPU compiling, for
/// queries that then ran for milliseconds (COPY and DDL never use it).
/// </summary>
internal static class SessionSettings
{
    static readonly KeyValuePair<string, string>[] Common =
    [
        new("DateStyle", "ISO"), new("IntervalStyle", "postgres"), new("extra_float_digits", "3"), new("lc_monetary", "C"),
        new("statement_timeout", "0"), new("lock_timeout", "0"), new("idle_in_transaction_session_timeout", "0"),
        new("jit", "off"),
    ];

    public static IEnumerable<KeyValuePair<string, string>> Source =>
        Common.Append(new("default_transaction_read_only", "on"));

    public static IEnumerable<KeyValuePair<string, string>> Target =>
        Common.Append(new("synchronous_commit", "off"));

    /// <summary>PGOPTIONS for pg_restore.</summary>
    public const string RestoreOptions = "-c synchronous_commit=off";
}
