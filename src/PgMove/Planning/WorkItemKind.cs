namespace PgMove.Planning;

/// <summary>The kinds of work a migration plan is made of.</summary>
public enum WorkItemKind
{
    Schema,
    TableData,
    LargeObjects,
    Sequences,
    Snapshot,
    PostData,
    Index,
    Constraint,
    Analyze,
    /// <summary>A user's SQL file run on the target (--after-pre-data, --after-copy).</summary>
    Hook,
}
