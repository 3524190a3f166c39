using PgMove.Progress;

namespace PgMove.Cli.Rendering;

/// <summary>Verify's progress: one time-stamped line per notice on stderr, so stdout holds only the report.</summary>
internal sealed class VerifyProgress : IProgressSink
{
    readonly object _lock = new();

    public void Report(CopyEvent e)
    {
        if (e is not Notice n) return;
        lock (_lock)
            Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {(n.IsWarning ? "warning: " : "")}{n.Text}");
    }
}
