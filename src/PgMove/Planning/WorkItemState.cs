namespace PgMove.Planning;

/// <summary>Where an item stands; recorded in the state directory at every change.</summary>
public enum WorkItemState
{
    Pending,
    Running,
    Done,
    Failed,
    Cancelled,
}
