using System.CommandLine;
using PgMove.Errors;
using PgMove.Globals;

namespace PgMove.Cli.Commands;

/// <summary>The role, ownership and tablespace options shared by <c>copy</c> and <c>roles</c>.</summary>
internal sealed class GlobalsCliOptions
{
    readonly bool _copy;
    readonly Option<bool> _roles = new("--roles") { Description = "Create on the target the roles the database depends on (owners, grantees, their memberships)" };
    readonly Option<bool> _passwords = new("--role-passwords") { Description = "Copy the roles' password hashes (the source user must be able to read pg_authid)" };
    readonly Option<string?> _superuserRole = new("--superuser-role") { Description = "Make source superusers members of this target role instead (e.g. rds_superuser)" };
    readonly Option<string[]> _ownerMap = new("--owner-map") { Description = "old=new: objects owned by (and privileges of) source role old go to target role new; repeatable", AllowMultipleArgumentsPerToken = false };
    readonly Option<bool> _noTablespaces = new("--no-tablespaces") { Description = "Ignore tablespaces (default when the target user is not a superuser)" };

    public GlobalsCliOptions(bool copy) => _copy = copy;

    public void AddTo(Command command)
    {
        if (_copy) command.Options.Add(_roles);
        command.Options.Add(_passwords);
        command.Options.Add(_superuserRole);
        if (!_copy) return;
        command.Options.Add(_ownerMap);
        command.Options.Add(_noTablespaces);
    }

    public GlobalsOptions Read(ParseResult parse)
    {
        var roles = !_copy || parse.GetValue(_roles) || AllDatabases.Given(parse); // --all-databases moves every role
        if (!roles && parse.GetValue(_passwords))
            throw new PgMoveException(ExitCode.Usage, "--role-passwords needs --roles");
        if (!roles && parse.GetValue(_superuserRole) is not null)
            throw new PgMoveException(ExitCode.Usage, "--superuser-role needs --roles");
        return new GlobalsOptions
        {
            Roles = roles,
            RolePasswords = parse.GetValue(_passwords),
            SuperuserRole = parse.GetValue(_superuserRole) is { Length: > 0 } sr ? sr : null,
            OwnerMap = _copy ? ParseMap(parse.GetValue(_ownerMap) ?? []) : new Dictionary<string, string>(),
            NoTablespaces = _copy && parse.GetValue(_noTablespaces) ? true : null,
        };
    }

    static Dictionary<string, string> ParseMap(string[] entries)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0 || eq == entry.Length - 1)
                throw new PgMoveException(ExitCode.Usage, $"--owner-map expects old=new, got \"{entry}\"");
            var (from, to) = (entry[..eq], entry[(eq + 1)..]);
            if (from == to || !map.TryAdd(from, to))
                throw new PgMoveException(ExitCode.Usage, $"--owner-map: \"{entry}\" maps a role to itself or maps {from} twice");
        }
        if (map.Keys.Intersect(map.Values).FirstOrDefault() is { } chained)
            throw new PgMoveException(ExitCode.Usage, $"--owner-map: {chained} is both mapped and a mapping target");
        return map;
    }
}
