namespace PgMove.Replication;

/// <summary>The phases a sync goes through.</summary>
public static class SyncPhase
{
    public const string Copying = "copying";
    public const string Streaming = "streaming";
    public const string Done = "done";
    public const string Failed = "failed";
}
