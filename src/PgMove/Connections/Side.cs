namespace PgMove.Connections;

/// <summary>Which server a message or an error is about.</summary>
public enum Side
{
    Source,
    Target,
}
