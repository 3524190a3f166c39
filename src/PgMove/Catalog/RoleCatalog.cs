using Npgsql;
using PgMove.Globals;

namespace PgMove.Catalog;

/// <summary>
/// Roles, memberships and role settings, read from <c>pg_roles</c>, <c>pg_auth_members</c> and <c>pg_db_role_setting</c>
/// (which managed services let every user read); <c>pg_authid</c> only for password hashes, on request.
/// </summary>
public static class RoleCatalog
{
    /// <summary>
    /// The roles the connected database depends on, with the roles they are members of (recursively).
    /// Predefined roles (pg_*) are included: memberships in them are part of a role's definition.
    /// </summary>
    public static async Task<SourceRoles> ReadDependenciesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var owners = new HashSet<string>(StringComparer.Ordinal);
        var direct = new List<string>();
        await using (var cmd = new NpgsqlCommand(DependentRolesSql, connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                direct.Add(reader.GetString(0));
                if (reader.GetBoolean(1)) owners.Add(reader.GetString(0));
            }
        var reaching = new List<string>();
        await using (var cmd = new NpgsqlCommand(ReachingRolesSql, connection))
        {
            cmd.Parameters.AddWithValue(direct.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) reaching.Add(reader.GetString(0));
        }
        var roles = await ReadRolesAsync(connection, direct.Concat(reaching).Distinct().ToList(), closure: true, null, ct);
        var memberships = await ReadMembershipsAsync(connection, roles.Select(r => r.Name).ToList(), ct);
        return new SourceRoles(roles, memberships, owners);
    }

    /// <summary>Every role of the server except the predefined ones (pg_*), with the roles they are members of.</summary>
    public static async Task<SourceRoles> ReadAllAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var names = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1", connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        var roles = await ReadRolesAsync(connection, names, closure: true, null, ct);
        var memberships = await ReadMembershipsAsync(connection, roles.Select(r => r.Name).ToList(), ct);
        return new SourceRoles(roles, memberships, new HashSet<string>(StringComparer.Ordinal));
    }

    /// <summary>Every ALTER ROLE … IN DATABASE … SET of the server (predefined roles left out): role, database, "name=value".</summary>
    public static async Task<IReadOnlyList<(string Role, string Database, string Setting)>> ReadDatabaseRoleSettingsAsync(
        NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT r.rolname, d.datname, unnest(s.setconfig)
            FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole JOIN pg_database d ON d.oid = s.setdatabase
            WHERE r.rolname !~ '^pg_' ORDER BY 1, 2
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string, string, string)>();
        while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return result;
    }

    /// <summary>
    /// The named roles that exist on the connected server (with <paramref name="closure"/>, also every role they are
    /// members of); per-database settings are those of <paramref name="database"/> (null: the connected one).
    /// </summary>
    public static async Task<IReadOnlyList<RoleDefinition>> ReadRolesAsync(NpgsqlConnection connection,
        IReadOnlyCollection<string> names, bool closure, string? database, CancellationToken ct)
    {
        var sql = $"""
            WITH RECURSIVE wanted(oid) AS (
              SELECT oid FROM pg_roles WHERE rolname = ANY($1)
              {(closure ? "UNION SELECT m.roleid FROM pg_auth_members m JOIN wanted w ON m.member = w.oid" : "")})
            SELECT r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, r.rolreplication,
                   r.rolbypassrls, r.rolconnlimit,
                   CASE WHEN isfinite(r.rolvaliduntil)
                        THEN to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'
                        ELSE r.rolvaliduntil::text END, shobj_description(r.oid, 'pg_authid'),
                   coalesce((SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = 0), ARRAY[]::text[]),
                   coalesce((SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
                             WHERE s.setrole = r.oid AND d.datname = coalesce($2, current_database())), ARRAY[]::text[])
            FROM pg_roles r WHERE r.oid IN (SELECT oid FROM wanted)
            ORDER BY r.rolname
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue(names.ToArray());
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)database ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<RoleDefinition>();
        while (await reader.ReadAsync(ct))
            result.Add(new RoleDefinition(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3),
                reader.GetBoolean(4), reader.GetBoolean(5), reader.GetBoolean(6), reader.GetBoolean(7), reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.GetFieldValue<string[]>(11), reader.GetFieldValue<string[]>(12)));
        return result;
    }

    /// <summary>Memberships whose member is one of <paramref name="members"/>.</summary>
    public static async Task<IReadOnlyList<RoleMembership>> ReadMembershipsAsync(NpgsqlConnection connection,
        IReadOnlyCollection<string> members, CancellationToken ct)
    {
        const string sql = """
            SELECT r.rolname, m.rolname, bool_or(am.admin_option)
            FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
            WHERE m.rolname = ANY($1)
            GROUP BY 1, 2 ORDER BY 2, 1
            """;
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue(members.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<RoleMembership>();
        while (await reader.ReadAsync(ct)) result.Add(new RoleMembership(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        return result;
    }

    /// <summary>True when the connected user may read pg_authid (password hashes): superusers only, never on managed services.</summary>
    public static async Task<bool> CanReadPasswordsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT')", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The stored password hashes (null for roles without one); check <see cref="CanReadPasswordsAsync"/> first.</summary>
    public static async Task<IReadOnlyDictionary<string, string?>> ReadPasswordHashesAsync(NpgsqlConnection connection,
        IReadOnlyCollection<string> names, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY($1)", connection);
        cmd.Parameters.AddWithValue(names.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        return result;
    }

    /// <summary>True when the current user has the privileges of <paramref name="role"/> (inherited membership).</summary>
    public static async Task<bool> HasPrivilegesOfAsync(NpgsqlConnection connection, string role, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_has_role(current_user, $1, 'USAGE')", connection);
        cmd.Parameters.AddWithValue(role);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>True when the current user may grant membership in <paramref name="role"/> (admin option, or superuser).</summary>
    public static async Task<bool> CanGrantAsync(NpgsqlConnection connection, string role, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                   OR pg_has_role(current_user, $1, 'MEMBER WITH ADMIN OPTION')
            """, connection);
        cmd.Parameters.AddWithValue(role);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Whether the current user is superuser and has CREATEROLE.</summary>
    public static async Task<(bool Superuser, bool CreateRole, bool Inherit)> ReadCurrentUserAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT rolsuper, rolcreaterole, rolinherit FROM pg_roles WHERE rolname = current_user", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2));
    }

    // Roles that reach the database without owning or being granted anything in it: the members (transitively) of a
    // role that does (an application login in the group holding the grants), and roles with settings for it
    // (ALTER ROLE … IN DATABASE). Members of predefined roles are not pulled in through them.
    const string ReachingRolesSql = """
        WITH RECURSIVE down(oid) AS (
          SELECT oid FROM pg_roles WHERE rolname = ANY($1) AND rolname !~ '^pg_'
          UNION SELECT m.member FROM pg_auth_members m JOIN down d ON m.roleid = d.oid)
        SELECT r.rolname FROM pg_roles r WHERE r.oid IN (SELECT oid FROM down)
        UNION
        SELECT r.rolname FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
        WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY 1
        """;

    // Owners and ACL entries of everything pg_dump dumps from one database; system schemas excluded.
    const string DependentRolesSql = """
        WITH sys AS (
          SELECT oid FROM pg_namespace
          WHERE nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg\_toast%' OR nspname LIKE 'pg\_temp%'),
        owners(role) AS (
          SELECT relowner FROM pg_class WHERE relnamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT nspowner FROM pg_namespace WHERE oid NOT IN (SELECT oid FROM sys)
          UNION SELECT proowner FROM pg_proc WHERE pronamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT typowner FROM pg_type WHERE typnamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT collowner FROM pg_collation WHERE collnamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT conowner FROM pg_conversion WHERE connamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT oprowner FROM pg_operator WHERE oprnamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT opcowner FROM pg_opclass WHERE opcnamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT opfowner FROM pg_opfamily WHERE opfnamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT cfgowner FROM pg_ts_config WHERE cfgnamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT dictowner FROM pg_ts_dict WHERE dictnamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT stxowner FROM pg_statistic_ext WHERE stxnamespace NOT IN (SELECT oid FROM sys)
          UNION SELECT lomowner FROM pg_largeobject_metadata
          UNION SELECT fdwowner FROM pg_foreign_data_wrapper
          UNION SELECT srvowner FROM pg_foreign_server
          UNION SELECT evtowner FROM pg_event_trigger
          UNION SELECT pubowner FROM pg_publication
          UNION SELECT defaclrole FROM pg_default_acl),
        acls(acl) AS (
          SELECT datacl FROM pg_database WHERE datname = current_database()
          UNION ALL SELECT relacl FROM pg_class WHERE relnamespace NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT a.attacl FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                    WHERE a.attacl IS NOT NULL AND c.relnamespace NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT nspacl FROM pg_namespace WHERE oid NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT proacl FROM pg_proc WHERE pronamespace NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT typacl FROM pg_type WHERE typnamespace NOT IN (SELECT oid FROM sys)
          UNION ALL SELECT lomacl FROM pg_largeobject_metadata
          UNION ALL SELECT fdwacl FROM pg_foreign_data_wrapper
          UNION ALL SELECT srvacl FROM pg_foreign_server
          UNION ALL SELECT lanacl FROM pg_language WHERE lanispl
          UNION ALL SELECT defaclacl FROM pg_default_acl),
        entries AS (SELECT (aclexplode(acl)).* FROM acls WHERE acl IS NOT NULL),
        used(role, owns) AS (
          SELECT role, true FROM owners
          UNION ALL SELECT grantee, false FROM entries
          UNION ALL SELECT grantor, false FROM entries
          -- The database's owner is needed on the target, but pg_restore never changes a database's owner.
          UNION ALL SELECT datdba, false FROM pg_database WHERE datname = current_database()
          UNION ALL SELECT unnest(polroles), false FROM pg_policy
          UNION ALL SELECT umuser, false FROM pg_user_mappings)
        SELECT r.rolname, bool_or(u.owns) FROM used u JOIN pg_roles r ON r.oid = u.role
        GROUP BY r.rolname ORDER BY r.rolname
        """;
}
