using System.Text;
using Npgsql;
using PgMove.Errors;

namespace PgMove.Connections;

/// <summary>
/// One side of a migration: libpq-style connection parameters (from a URI or a conninfo string,
/// completed from the PG* environment variables and ~/.pgpass the way libpq does it),
/// turned into an Npgsql connection string for pgmove's own sessions and into a password-free
/// conninfo for pg_dump/pg_restore, which get the password through their environment.
/// </summary>
public sealed class ConnectionSpec
{
    static readonly (string Keyword, string Env)[] EnvironmentDefaults =
    [
        ("host", "PGHOST"), ("port", "PGPORT"), ("dbname", "PGDATABASE"), ("user", "PGUSER"),
        ("password", "PGPASSWORD"), ("passfile", "PGPASSFILE"), ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"),
        ("application_name", "PGAPPNAME"), ("connect_timeout", "PGCONNECT_TIMEOUT"),
        ("target_session_attrs", "PGTARGETSESSIONATTRS"),
    ];

    /// <summary>Keywords passed on to pg_dump/pg_restore (the password never is: it goes in PGPASSWORD).</summary>
    static readonly string[] ToolKeywords =
        ["host", "hostaddr", "port", "dbname", "options", "user", "passfile", "sslmode", "sslrootcert", "sslcert", "sslkey",
         "connect_timeout", "target_session_attrs"];

    readonly Dictionary<string, string> _parameters;

    ConnectionSpec(Dictionary<string, string> parameters, bool explicitDatabase)
    {
        _parameters = parameters;
        HasExplicitDatabase = explicitDatabase;
    }

    /// <summary>Parses a URI or conninfo string; missing parameters come from the PG* environment.</summary>
    public static ConnectionSpec Parse(string text, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var parameters = ConnInfoParser.Parse(text);
        var explicitDatabase = parameters.ContainsKey("dbname");
        foreach (var (keyword, env) in EnvironmentDefaults)
            if (!parameters.ContainsKey(keyword) && environment(env) is { Length: > 0 } value)
                parameters[keyword] = value;
        var unknown = parameters.Keys.Where(k => !KnownKeywords.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new PgMoveException(ExitCode.Usage,
                $"unsupported connection parameter(s): {string.Join(", ", unknown)}");
        parameters.TryAdd("host", Directory.Exists("/var/run/postgresql") ? "/var/run/postgresql" : "localhost");
        parameters.TryAdd("port", "5432");
        parameters.TryAdd("user", Environment.UserName);
        parameters.TryAdd("dbname", parameters["user"]);
        if (!parameters.ContainsKey("passfile"))
        {
            var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var pgpass = Path.Combine(home, ".pgpass");
            if (File.Exists(pgpass)) parameters["passfile"] = pgpass;
        }
        return new ConnectionSpec(parameters, explicitDatabase);
    }

    static readonly HashSet<string> KnownKeywords =
    [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "sslmode", "sslrootcert",
        "sslcert", "sslkey", "sslpassword", "application_name", "connect_timeout", "target_session_attrs",
        "options", "keepalives", "keepalives_idle", "client_encoding", "gssencmode", "channel_binding",
    ];

    /// <summary>True when the database name was given in the string itself (not defaulted).</summary>
    public bool HasExplicitDatabase { get; }

    public string Host => _parameters["host"];
    public string Port => _parameters["port"];
    public string Database => _parameters["dbname"];
    public string User => _parameters["user"];
    internal string? Password => _parameters.GetValueOrDefault("password");

    /// <summary>The same server and credentials, another database.</summary>
    public ConnectionSpec WithDatabase(string database)
    {
        var copy = new Dictionary<string, string>(_parameters, StringComparer.Ordinal) { ["dbname"] = database };
        return new ConnectionSpec(copy, explicitDatabase: true);
    }

    /// <summary>What may be shown to a user: never the password.</summary>
    public override string ToString()
    {
        var host = Host.Contains(':') ? $"[{Host}]" : Host;
        return $"{User}@{host}:{Port}/{Database}";
    }

    /// <summary>An Npgsql connection string; <paramref name="options"/> become server settings of each session.</summary>
    /// <param name="socketBufferBytes">Npgsql's read and write buffer sizes when above its 8 kB default: sessions that
    /// stream COPY data make far fewer system calls with 256 kB.</param>
    /// <param name="applicationName">application_name of the sessions, unless the connection string sets one.</param>
    /// <param name="options">Server settings for each session.</param>
    /// <param name="maxPoolSize">Npgsql's pool size for this connection string.</param>
    public string ToNpgsql(string applicationName, IEnumerable<KeyValuePair<string, string>>? options = null, int maxPoolSize = 100,
        int socketBufferBytes = 0)
    {
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = _parameters.GetValueOrDefault("hostaddr") ?? Host,
            Database = Database,
            Username = User,
            ApplicationName = _parameters.GetValueOrDefault("application_name") ?? applicationName,
            CommandTimeout = 0,
            MaxPoolSize = maxPoolSize,
            IncludeErrorDetail = true,
            Timeout = int.TryParse(_parameters.GetValueOrDefault("connect_timeout"), out var t) && t > 0 ? t : 15,
        };
        b.Port = ParsePort(Port);
        if (socketBufferBytes > b.ReadBufferSize) (b.ReadBufferSize, b.WriteBufferSize) = (socketBufferBytes, socketBufferBytes);
        if (Password is not null) b.Password = Password;
        if (_parameters.TryGetValue("passfile", out var passfile)) b.Passfile = passfile;
        if (_parameters.TryGetValue("sslmode", out var sslmode)) b.SslMode = ParseSslMode(sslmode);
        if (_parameters.TryGetValue("sslrootcert", out var root)) b.RootCertificate = root;
        if (_parameters.TryGetValue("sslcert", out var cert)) b.SslCertificate = cert;
        if (_parameters.TryGetValue("sslkey", out var key)) b.SslKey = key;
        if (_parameters.TryGetValue("sslpassword", out var sslpw)) b.SslPassword = sslpw;
        if (_parameters.TryGetValue("target_session_attrs", out var tsa)) b.TargetSessionAttributes = tsa;
        var settings = new StringBuilder(_parameters.GetValueOrDefault("options") ?? "");
        foreach (var (name, value) in options ?? [])
            settings.Append(" -c ").Append(name).Append('=').Append(value.Replace(" ", "\\ "));
        if (settings.Length > 0) b.Options = settings.ToString().Trim();
        return b.ConnectionString;
    }

    /// <summary>A libpq conninfo for client tools, without the password.</summary>
    public string ToLibpqConnInfo()
    {
        var sb = new StringBuilder();
        foreach (var keyword in ToolKeywords)
        {
            if (!_parameters.TryGetValue(keyword, out var value)) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(keyword).Append("='").Append(value.Replace("\\", "\\\\").Replace("'", "\\'")).Append('\'');
        }
        return sb.ToString();
    }

    /// <summary>Environment variables a client tool needs besides its conninfo (the password, if any).</summary>
    public IReadOnlyDictionary<string, string> ToolEnvironment() =>
        Password is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["PGPASSWORD"] = Password };

    static int ParsePort(string port)
    {
        var first = port.Split(',')[0];
        return int.TryParse(first, out var p) && p is > 0 and < 65536
            ? p
            : throw new PgMoveException(ExitCode.Usage, $"malformed connection string: bad port '{first}'");
    }

    static SslMode ParseSslMode(string mode) => mode switch
    {
        "disable" => SslMode.Disable,
        "allow" => SslMode.Allow,
        "prefer" => SslMode.Prefer,
        "require" => SslMode.Require,
        "verify-ca" => SslMode.VerifyCA,
        "verify-full" => SslMode.VerifyFull,
        _ => throw new PgMoveException(ExitCode.Usage, $"malformed connection string: unknown sslmode '{mode}'"),
    };
}
