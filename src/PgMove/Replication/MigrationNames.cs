using System.Security.Cryptography;
using System.Text;
using PgMove.Connections;

namespace PgMove.Replication;

/// <summary>
/// The names of what an online migration creates (slot and publication on the source, replication origin on the
/// target) and its default state directory, all derived from the source and target addresses: sync, status,
/// cutover and cleanup given the same --source and --target find the same objects without any other input.
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

    /// <summary>Where sync keeps its state file unless --dir says otherwise.</summary>
    public string DefaultStateDirectory => Path.Combine(Path.GetTempPath(), "pgmove", "sync-" + Id["pgmove_".Length..]);

    public static MigrationNames For(ConnectionSpec source, ConnectionSpec target)
    {
        var resolved = target.HasExplicitDatabase ? target : target.WithDatabase(source.Database);
        var key = $"{source.Host}:{source.Port}/{source.Database} -> {resolved.Host}:{resolved.Port}/{resolved.Database}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return new MigrationNames("pgmove_" + hash, resolved);
    }
}
