using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PgMove.Connections;

namespace PgMove.Replication;

/// <summary>
/// The names of what an online migration creates (slot and publication on the source, replication origin on the
/// target) and its default state directory. They derive from the source server itself — its system identifier and
/// the database's name — never from how a URL was spelled, so <c>localhost</c> and <c>127.0.0.1</c> find the same
/// migration, and a source database has at most one.
/// </summary>
public sealed class MigrationNames
{
    MigrationNames(string id, ConnectionSpec target)
    {
        Id = id;
        Target = target;
    }

    /// <summary>pgmove_ and 16 hex digits: valid and unquoted as a slot, publication and origin name.</summary>
    public string Id { get; }

    /// <summary>The target with its database resolved (the source's name when the target names none).</summary>
    public ConnectionSpec Target { get; }

    public string Slot => Id;
    public string Publication => Id;
    public string Origin => Id;

    /// <summary>Where sync keeps its local progress file (and cutover its result) unless --dir says otherwise.</summary>
    public string DefaultStateDirectory => Path.Combine(Path.GetTempPath(), "pgmove", "sync-" + Id["pgmove_".Length..]);

    /// <summary>The names for the source database <paramref name="source"/> is connected to.</summary>
    public static async Task<MigrationNames> ResolveAsync(NpgsqlConnection source, ConnectionSpec sourceSpec, ConnectionSpec target, CancellationToken ct)
    {
        var identity = await ServerIdentity.ReadAsync(source, ct);
        return FromIdentity(identity, target.HasExplicitDatabase ? target : target.WithDatabase(sourceSpec.Database));
    }

    /// <summary>Pure derivation, for tests and for callers that already read the identity.</summary>
    public static MigrationNames FromIdentity(ServerIdentity source, ConnectionSpec resolvedTarget)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{source.SystemId}/{source.Database}")))[..16];
        return new MigrationNames("pgmove_" + hash, resolvedTarget);
    }
}
