using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Copy;
using PgMove.Progress;

namespace PgMove.Instance;

/// <summary>
/// Which databases <c>--all-databases</c> moves: every database of the source instance but the templates, biggest
/// first; a database that refuses connections (datallowconn = false) is skipped and said so. One rule for copy,
/// check and verify.
/// </summary>
public static class InstanceDatabases
{
    /// <summary>The databases to move and the skipped ones with why.</summary>
    /// <param name="Moved">Names, biggest first.</param>
    /// <param name="Skipped">"name: reason" for each database left out.</param>
    /// <param name="Bytes">Each moved database's size on the source.</param>
    public sealed record Selection(IReadOnlyList<string> Moved, IReadOnlyList<string> Skipped, IReadOnlyDictionary<string, long> Bytes);

    /// <summary>Reads the source instance's databases; reports each skipped one as a warning.</summary>
    /// <param name="source">The source instance (its database is only the one to connect to).</param>
    /// <param name="sink">Receives the skipped databases.</param>
    /// <param name="ct">Cancels the read.</param>
    public static async Task<Selection> ReadAsync(ConnectionSpec source, IProgressSink sink, CancellationToken ct)
    {
        await using var connection = await PgSession.OpenAsync(source.ToNpgsql("pgmove", SessionSettings.Source, 1), Side.Source, source.ToString(), ct);
        var all = await InstanceCatalog.ReadDatabasesAsync(connection, ct);
        var skipped = all.Where(d => !d.AllowConnections)
            .Select(d => $"{d.Name}: refuses connections (datallowconn = false), not moved").ToList();
        foreach (var text in skipped) sink.Report(new Notice($"--all-databases: database {text}", IsWarning: true));
        var moved = all.Where(d => d.AllowConnections).ToList();
        return new Selection(moved.Select(d => d.Name).ToList(), skipped, moved.ToDictionary(d => d.Name, d => d.Bytes));
    }

    /// <summary>The state directory of one database under the run's --dir: its name with unsafe characters replaced.</summary>
    /// <param name="stateDirectory">The run's --dir.</param>
    /// <param name="database">The database.</param>
    public static string StateDirectory(string stateDirectory, string database)
    {
        var safe = new string(database.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());
        if (safe != database) safe += "-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(database)))[..8];
        return Path.Combine(stateDirectory, "db-" + safe);
    }
}
