namespace PgMove.Schema;

/// <summary>How pg_restore treats ownership and privileges, and the session settings it runs with.</summary>
/// <param name="ServerOptions">PGOPTIONS for pg_restore's sessions, e.g. "-c synchronous_commit=off".</param>
/// <param name="NoOwner">pg_restore --no-owner.</param>
/// <param name="NoAcl">pg_restore --no-acl.</param>
public sealed record RestoreOptions(bool NoOwner, bool NoAcl, string ServerOptions)
{
    /// <summary>pg_restore --no-tablespaces: objects go to the target's default tablespace.</summary>
    public bool NoTablespaces { get; init; }

    /// <summary>A dump in pieces: how many tables' pieces restore their pre-data side by side (see SchemaArchive.RestoreAsync).</summary>
    public int PiecesAtOnce { get; init; } = 1;
}
