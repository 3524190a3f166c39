namespace PgMove.Progress;

/// <summary>Receives <see cref="CopyEvent"/>s; called from worker threads, so implementations must be thread-safe.</summary>
public interface IProgressSink
{
    void Report(CopyEvent e);
}

/// <summary>A sink that drops everything.</summary>
public sealed class NullProgressSink : IProgressSink
{
    public static readonly NullProgressSink Instance = new();
    public void Report(CopyEvent e) { }
}
