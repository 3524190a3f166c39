namespace PgMove.Replication;

/// <summary>The states of <see cref="MigrationRecord.State"/>.</summary>
public static class MigrationState
{
    public const string Syncing = "syncing";
    /// <summary>The cutover released the target: the sync must stop, and nothing may resume it.</summary>
    public const string CutOver = "cut over";
}
