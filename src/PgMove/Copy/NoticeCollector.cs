using PgMove.Progress;

namespace PgMove.Copy;

/// <summary>Passes events on and keeps the notices, for a run's summary.</summary>
internal sealed class NoticeCollector(IProgressSink inner) : IProgressSink
{
    readonly List<string> _notices = [];

    /// <summary>The notices reported so far, in order.</summary>
    public IReadOnlyList<string> Notices { get { lock (_notices) return _notices.ToList(); } }

    /// <inheritdoc />
    public void Report(CopyEvent e)
    {
        if (e is Notice n) lock (_notices) _notices.Add(n.Text);
        inner.Report(e);
    }
}
