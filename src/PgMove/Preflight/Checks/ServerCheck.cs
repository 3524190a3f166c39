using PgMove.Catalog;
using PgMove.Errors;
using PgMove.Schema;

namespace PgMove.Preflight.Checks;

/// <summary>Server versions and direction, the target not being the source, and a pg_dump/pg_restore for the source.</summary>
public sealed class ServerCheck : IPreflightCheck
{
    public string Name => "versions";

    public Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct)
    {
        var items = new List<CheckItem> { Direction(context.SourceServer, context.TargetServer), Identity(context), Tools(context) };
        return Task.FromResult<IReadOnlyList<CheckItem>>(items);
    }

    /// <summary>Same or newer major version on the target: ok; older: fail (pg_dump output does not go backwards).</summary>
    public static CheckItem Direction(ServerInfo s, ServerInfo t)
    {
        var evidence = $"source {s.Version}, target {t.Version}";
        if (t.Major < s.Major)
            return CheckItem.Fail("versions", evidence + ": the target is an older major version",
                $"use a target server of version {s.Major} or newer (pg_dump output of a newer server does not restore into an older one)");
        return CheckItem.Ok("versions", evidence + (t.Major > s.Major ? $": upgrade from {s.Major} to {t.Major}" : ": same major version"));
    }

    static CheckItem Identity(PreflightContext c)
    {
        if (c.TargetIsSource)
            return CheckItem.Fail("target-is-source", $"source and target are the same database \"{c.TargetSpec.Database}\" on the same server",
                "point --target at another server or another database name");
        return CheckItem.Ok("target-is-source", c.SameServer
            ? $"same server, another database (\"{c.TargetSpec.Database}\")"
            : "different servers");
    }

    static CheckItem Tools(PreflightContext c)
    {
        try
        {
            var tools = PgToolset.Locate(c.SourceServer.Major, c.Options.PgBin);
            return CheckItem.Ok("pg_dump", $"{tools.Version} ({tools.PgDump})");
        }
        catch (PgMoveException e) when (e.ExitCode == ExitCode.ToolMissing)
        {
            return CheckItem.Fail("pg_dump", e.Message.Split("; ")[0],
                $"install postgresql-client-{c.SourceServer.Major} (or newer), or point --pg-bin at a directory holding pg_dump and pg_restore of version {c.SourceServer.Major}+");
        }
    }
}
