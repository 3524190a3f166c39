using Npgsql;
using PgMove.Connections;

namespace PgMove.Replication;

/// <summary>Connection strings of the sessions online migration uses, beyond the copy's own.</summary>
internal static class ReplicationSettings
{
    /// <summary>application_name of every sync session: the cutover finds the applier on the target by it (the fence spares sessions by pid only).</summary>
    public const string SyncApplicationName = "pgmove sync";

    static readonly KeyValuePair<string, string>[] Common =
    [
        new("statement_timeout", "0"), new("lock_timeout", "0"), new("idle_in_transaction_session_timeout", "0"),
        new("standard_conforming_strings", "on"), // Quote.Literal's literals (the migration record's JSON) rely on it
    ];

    // Values travel as text from the walsender to the applier: both ends use the copy's text forms.
    static readonly KeyValuePair<string, string>[] TextForms =
    [
        new("DateStyle", "ISO"), new("IntervalStyle", "postgres"), new("extra_float_digits", "3"), new("lc_monetary", "C"),
    ];

    /// <summary>
    /// The source sessions that create and drop the slot and publication, set replica identities and fence writes:
    /// the only writes pgmove makes on the source. Explicitly writable, as the fence makes the database read-only
    /// by default for every new session.
    /// </summary>
    public static string SourceAdmin(ConnectionSpec source) =>
        source.ToNpgsql(SyncApplicationName, Common.Append(new("default_transaction_read_only", "off")), maxPoolSize: 4);

    /// <summary>Read-only source sessions (catalog lookups, counts).</summary>
    public static string SourceReader(ConnectionSpec source) =>
        source.ToNpgsql(SyncApplicationName, Common.Append(new("default_transaction_read_only", "on")), maxPoolSize: 4);

    /// <summary>The walsender session streaming the slot.</summary>
    public static string SourceReplication(ConnectionSpec source) =>
        new NpgsqlConnectionStringBuilder(source.ToNpgsql(SyncApplicationName, TextForms, maxPoolSize: 1)) { Pooling = false }.ConnectionString;

    /// <summary>
    /// The applier: triggers and FK checks off (session_replication_role = replica), commits durable before the
    /// source is told it may recycle the WAL, statements prepared automatically after two uses. Never pooled: the
    /// replication origin is set up per session.
    /// </summary>
    public static string Applier(ConnectionSpec target) =>
        new NpgsqlConnectionStringBuilder(target.ToNpgsql(SyncApplicationName,
            Common.Concat(TextForms).Append(new("session_replication_role", "replica")).Append(new("synchronous_commit", "on")), maxPoolSize: 1))
        {
            Pooling = false,
            MaxAutoPrepare = 256,
            AutoPrepareMinUsages = 2,
        }.ConnectionString;

    /// <summary>Other target sessions: catalog lookups, origin management, counts.</summary>
    public static string Target(ConnectionSpec target) => target.ToNpgsql("pgmove", Common, maxPoolSize: 4);
}
