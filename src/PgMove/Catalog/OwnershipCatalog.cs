using Npgsql;

namespace PgMove.Catalog;

/// <summary>
/// The roles a schema restore names: owners of the source's objects (ALTER … OWNER TO) and grantees of their
/// privileges (GRANT … TO), and whether those roles exist on the target and the connecting user is a member.
/// </summary>
public static class OwnershipCatalog
{
    // pg_dump writes no OWNER TO or GRANT for members of extensions: those belong to whoever created the extension.
    const string UserNamespaces = """
        SELECT oid FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_toast%' AND nspname NOT LIKE 'pg\_temp%'
        ), ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
        """;

    /// <summary>Roles owning the source's schemas, relations, routines, types and large objects.</summary>
    public static Task<IReadOnlyList<string>> ReadOwnersAsync(NpgsqlConnection connection, CancellationToken ct) =>
        PrivilegeCatalog.ReadStringsAsync(connection, $"""
            WITH ns AS ({UserNamespaces}),
            owners AS (
              SELECT nspowner AS o FROM pg_namespace WHERE oid IN (SELECT oid FROM ns) AND nspname <> 'public'
                AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext)
              UNION SELECT relowner FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns) AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext)
              UNION SELECT proowner FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ns) AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext)
              UNION SELECT typowner FROM pg_type WHERE typnamespace IN (SELECT oid FROM ns) AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext)
              UNION SELECT lomowner FROM pg_largeobject_metadata)
            SELECT DISTINCT pg_get_userbyid(o) FROM owners ORDER BY 1
            """, [], ct);

    /// <summary>Roles (not PUBLIC) granted privileges on the source's schemas, relations, routines and types, or named in its default privileges.</summary>
    public static Task<IReadOnlyList<string>> ReadGranteesAsync(NpgsqlConnection connection, CancellationToken ct) =>
        PrivilegeCatalog.ReadStringsAsync(connection, $"""
            WITH ns AS ({UserNamespaces}),
            acls AS (
              SELECT nspacl AS acl FROM pg_namespace WHERE oid IN (SELECT oid FROM ns) AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext)
              UNION ALL SELECT relacl FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns) AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext)
              UNION ALL SELECT proacl FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ns) AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext)
              UNION ALL SELECT typacl FROM pg_type WHERE typnamespace IN (SELECT oid FROM ns) AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext))
            SELECT pg_get_userbyid(e.grantee)
            FROM acls, aclexplode(acls.acl) e
            WHERE acls.acl IS NOT NULL AND e.grantee <> 0
            UNION SELECT pg_get_userbyid(d.defaclrole) FROM pg_default_acl d
            UNION SELECT pg_get_userbyid(e.grantee) FROM pg_default_acl d, aclexplode(d.defaclacl) e WHERE e.grantee <> 0
            ORDER BY 1
            """, [], ct);

    /// <summary>
    /// (owner, schema) pairs of the source's relations, routines and types, and the owner of each schema: pg_restore
    /// runs ALTER … OWNER TO owner in that schema, which a non-superuser may only do when owner can CREATE there.
    /// </summary>
    public static async Task<(IReadOnlyList<(string Owner, string Schema)> Placed, IReadOnlyDictionary<string, string> SchemaOwners)>
        ReadPlacementAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var sql = $"""
            WITH ns AS ({UserNamespaces})
            SELECT DISTINCT pg_get_userbyid(x.o), n.nspname, pg_get_userbyid(n.nspowner)
            FROM (SELECT relowner AS o, relnamespace AS s FROM pg_class
                  WHERE relnamespace IN (SELECT oid FROM ns) AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                    AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext)
                  UNION SELECT proowner, pronamespace FROM pg_proc
                  WHERE pronamespace IN (SELECT oid FROM ns) AND (tableoid, oid) NOT IN (SELECT classid, objid FROM ext)) x
            JOIN pg_namespace n ON n.oid = x.s
            ORDER BY 2, 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var placed = new List<(string, string)>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            placed.Add((reader.GetString(0), reader.GetString(1)));
            owners[reader.GetString(1)] = reader.GetString(2);
        }
        return (placed, owners);
    }

    /// <summary>
    /// For each (role, schema, schema owner to be): whether role will be able to CREATE in that schema during the restore.
    /// When <paramref name="schemasExist"/> (the connection is to the existing target database) and the schema is there,
    /// its actual privileges decide; otherwise role must be the schema's owner to be, or have its privileges.
    /// </summary>
    public static async Task<IReadOnlyList<(string Role, string Schema, bool CanCreate)>> ReadCreateRightsAsync(NpgsqlConnection connection,
        IReadOnlyList<(string Role, string Schema, string FutureOwner)> pairs, bool schemasExist, CancellationToken ct)
    {
        const string sql = """
            SELECT x.r, x.s,
                   CASE WHEN n.oid IS NOT NULL THEN r.oid IS NOT NULL AND has_schema_privilege(r.oid, n.oid, 'CREATE')
                        ELSE x.r = x.o OR (r.oid IS NOT NULL AND o.oid IS NOT NULL AND pg_has_role(r.oid, o.oid, 'USAGE'))
                   END
            FROM unnest($1::text[], $2::text[], $3::text[]) AS x(r, s, o)
            LEFT JOIN pg_roles r ON r.rolname = x.r
            LEFT JOIN pg_roles o ON o.rolname = x.o
            LEFT JOIN pg_namespace n ON n.nspname = x.s AND $4
            ORDER BY 2, 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue(pairs.Select(p => p.Role).ToArray());
        cmd.Parameters.AddWithValue(pairs.Select(p => p.Schema).ToArray());
        cmd.Parameters.AddWithValue(pairs.Select(p => p.FutureOwner).ToArray());
        cmd.Parameters.AddWithValue(schemasExist);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string, string, bool)>();
        while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        return result;
    }

    /// <summary>For each given role name: whether it exists on this server and the connecting user is a member of it.</summary>
    public static async Task<IReadOnlyList<(string Role, bool Exists, bool IsMember)>> ReadOnTargetAsync(
        NpgsqlConnection connection, IReadOnlyList<string> roles, CancellationToken ct)
    {
        const string sql = """
            SELECT n, r.oid IS NOT NULL, coalesce(pg_has_role(r.oid, 'MEMBER'), false)
            FROM unnest($1::text[]) n LEFT JOIN pg_roles r ON r.rolname = n
            ORDER BY 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue(roles.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string, bool, bool)>();
        while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
        return result;
    }
}
