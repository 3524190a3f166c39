using Npgsql;

namespace PgMove.Catalog;

/// <summary>Objects a schema restore needs from the target cluster or from a superuser: tablespaces, event triggers, locales.</summary>
public static class ClusterObjectCatalog
{
    /// <summary>Tablespaces other than the default that relations of the connected database live in.</summary>
    public static Task<IReadOnlyList<string>> ReadTablespacesInUseAsync(NpgsqlConnection connection, CancellationToken ct) =>
        PrivilegeCatalog.ReadStringsAsync(connection, """
            SELECT DISTINCT t.spcname FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace
            WHERE c.reltablespace <> 0 AND t.spcname NOT IN ('pg_default', 'pg_global')
            ORDER BY 1
            """, [], ct);

    /// <summary>Every tablespace of the server.</summary>
    public static Task<IReadOnlyList<string>> ReadTablespacesAsync(NpgsqlConnection connection, CancellationToken ct) =>
        PrivilegeCatalog.ReadStringsAsync(connection, "SELECT spcname FROM pg_tablespace ORDER BY 1", [], ct);

    /// <summary>Event triggers of the connected database (not created by extensions).</summary>
    public static Task<IReadOnlyList<string>> ReadEventTriggersAsync(NpgsqlConnection connection, CancellationToken ct) =>
        PrivilegeCatalog.ReadStringsAsync(connection, """
            SELECT quote_ident(e.evtname) FROM pg_event_trigger e
            WHERE NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid AND d.deptype = 'e')
            ORDER BY 1
            """, [], ct);

    /// <summary>
    /// libc locale names the server is known to accept: those imported into pg_collation (at initdb, from the
    /// operating system's list), those of existing databases, and C/POSIX.
    /// </summary>
    public static Task<IReadOnlyList<string>> ReadKnownLibcLocalesAsync(NpgsqlConnection connection, CancellationToken ct) =>
        PrivilegeCatalog.ReadStringsAsync(connection, """
            SELECT collcollate FROM pg_collation WHERE collprovider = 'c' AND collcollate IS NOT NULL
            UNION SELECT collctype FROM pg_collation WHERE collprovider = 'c' AND collctype IS NOT NULL
            UNION SELECT datcollate FROM pg_database UNION SELECT datctype FROM pg_database
            UNION VALUES ('C'), ('POSIX')
            """, [], ct);

    /// <summary>True when the server was built with ICU (it then has ICU collations).</summary>
    public static async Task<bool> HasIcuAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collprovider = 'i')", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
