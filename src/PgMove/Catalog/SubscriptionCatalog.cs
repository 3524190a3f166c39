using Npgsql;
using NpgsqlTypes;

namespace PgMove.Catalog;

/// <summary>The target's native subscription of a migration run with <c>sync --apply native</c>.</summary>
public static class SubscriptionCatalog
{
    /// <summary>Whether the connected database has a subscription of that name.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, string subscription, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM pg_subscription WHERE subname = $1 AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
            connection) { Parameters = { new() { Value = subscription } } };
        return (long)(await cmd.ExecuteScalarAsync(ct))! > 0;
    }

    /// <summary>How far the subscription has applied: its origin pg_OID's remote LSN, committed with the rows; null before any.</summary>
    public static async Task<NpgsqlLogSequenceNumber?> ReadProgressAsync(NpgsqlConnection connection, string subscription, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT pg_replication_origin_progress('pg_' || s.oid, true) FROM pg_subscription s " +
            "WHERE s.subname = $1 AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
            connection) { Parameters = { new() { Value = subscription } } };
        return await cmd.ExecuteScalarAsync(ct) is NpgsqlLogSequenceNumber lsn && lsn != default ? lsn : null;
    }

    /// <summary>The user may CREATE SUBSCRIPTION: a superuser, or (PostgreSQL 16+) a member of pg_create_subscription.</summary>
    public static async Task<bool> MayCreateAsync(NpgsqlConnection connection, ServerInfo server, CancellationToken ct)
    {
        if (server.IsSuperuser) return true;
        if (server.Major < 16) return false;
        await using var cmd = new NpgsqlCommand("SELECT pg_has_role(current_user, 'pg_create_subscription', 'MEMBER')", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
