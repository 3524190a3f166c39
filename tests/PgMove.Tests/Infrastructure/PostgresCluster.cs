using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace PgMove.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster on loopback at a free port: initdb, start, stop, delete. As root the server runs
/// as the postgres OS user. Superuser "postgres" connects without a password; every other role needs its password.
/// Debian's PostgreSQL 15 by default; other majors come from the cache scripts/pg-versions.sh fills (<see cref="ServerVersions"/>).
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>Debian's PostgreSQL 15: the server by default, and the client tools (pg_dump, psql, pgbench) for every server.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    PostgresCluster(string directory, int port, int major, string serverBin)
    {
        Directory = directory;
        Port = port;
        Major = major;
        ServerBin = serverBin;
    }

    public string Directory { get; }
    public int Port { get; }
    /// <summary>The server's major version.</summary>
    public int Major { get; }
    string ServerBin { get; }

    /// <param name="settings">postgresql.conf lines added after the defaults (so they override them).</param>
    /// <param name="major">the server's major version (15: Debian's; others from <see cref="ServerVersions"/>).</param>
    public static Task<PostgresCluster> StartAsync(string name, IReadOnlyDictionary<string, string>? settings = null, int major = 15)
    {
        var bin = major == 15 ? BinDirectory : ServerVersions.BinDirectory(major);
        var root = Path.Combine(Path.GetTempPath(), "pgmove-tests", $"{Environment.ProcessId}-{name}");
        if (System.IO.Directory.Exists(root)) System.IO.Directory.Delete(root, true);
        System.IO.Directory.CreateDirectory(root);
        var data = Path.Combine(root, "data");
        // Only this cluster's own directory: other clusters' files under the parent come and go while tests run.
        if (IsRoot)
        {
            Run("chown", "postgres:", Path.GetDirectoryName(root)!);
            Run("chown", "-R", "postgres:", root);
        }
        AsServerUser($"{bin}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        var port = FreePort();
        File.AppendAllText(Path.Combine(data, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = '{root}'
            fsync = off
            full_page_writes = off
            shared_buffers = 128MB
            max_connections = 60
            wal_level = logical
            max_wal_senders = 10
            max_replication_slots = 10

            """);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            File.AppendAllText(Path.Combine(data, "postgresql.conf"), $"{key} = {value}\n");
        File.WriteAllText(Path.Combine(data, "pg_hba.conf"), """
            local all all trust
            host all postgres 127.0.0.1/32 trust
            host all all 127.0.0.1/32 scram-sha-256
            """);
        AsServerUser($"{bin}/pg_ctl", "-D", data, "-l", Path.Combine(root, "server.log"), "-w", "start");
        return Task.FromResult(new PostgresCluster(root, port, major, bin));
    }

    /// <summary>A URI for pgmove: superuser postgres, no password.</summary>
    public string Uri(string database, string user = "postgres", string? password = null) =>
        password is null
            ? $"postgres://{user}@127.0.0.1:{Port}/{database}"
            : $"postgres://{user}:{System.Uri.EscapeDataString(password)}@127.0.0.1:{Port}/{database}";

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=false;Command Timeout=0";

    public async Task<NpgsqlConnection> OpenAsync(string database = "postgres")
    {
        var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        return connection;
    }

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task CreateDatabaseAsync(string name)
    {
        // WITH (FORCE) exists from PostgreSQL 13 on.
        await ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{name}\"{(Major >= 13 ? " WITH (FORCE)" : "")}");
        await ExecuteAsync("postgres", $"CREATE DATABASE \"{name}\"");
    }

    public Task<bool> DatabaseExistsAsync(string name) =>
        ScalarAsync<bool>("postgres", $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}')");

    /// <summary>A shell command that stops this server at once (for a hook that simulates a crash).</summary>
    public string StopCommand() =>
        (IsRoot ? "runuser -u postgres -- " : "") + $"{BinDirectory}/pg_ctl -D {Path.Combine(Directory, "data")} -m immediate -w stop";

    /// <summary>Starts the server again after a stop.</summary>
    public void Start() =>
        AsServerUser($"{BinDirectory}/pg_ctl", "-D", Path.Combine(Directory, "data"), "-l", Path.Combine(Directory, "server.log"), "-w", "start");

    public ValueTask DisposeAsync()
    {
        try { AsServerUser($"{ServerBin}/pg_ctl", "-D", Path.Combine(Directory, "data"), "-m", "immediate", "-w", "stop"); }
        catch (InvalidOperationException) { }
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    static bool IsRoot => Environment.UserName == "root";

    static void AsServerUser(string program, params string[] args)
    {
        if (IsRoot) Run("runuser", ["-u", "postgres", "--", program, .. args]);
        else Run(program, args);
    }

    /// <summary>Runs a program to completion; throws with its output when it fails.</summary>
    public static string Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
        return stdout.Result;
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
