using PgMove.Preflight;
using PgMove.Progress;

namespace PgMove.Instance;

/// <summary>
/// <c>pgmove check --all-databases</c>: the preflight of every database <c>copy --all-databases</c> would move (the
/// same <see cref="InstanceDatabases"/> rule), each item named "database: item", plus one warning per skipped database.
/// Roles missing on the target are ones the copy creates (<see cref="CheckOptions.Roles"/>).
/// </summary>
public sealed class InstanceCheckRunner(CheckOptions options)
{
    /// <summary>One report holding every database's items.</summary>
    /// <param name="ct">Cancels the checks.</param>
    public async Task<CheckReport> RunAsync(CancellationToken ct)
    {
        var skippedNotices = new List<string>();
        var selection = await InstanceDatabases.ReadAsync(options.Source, new NoticeList(skippedNotices), ct);
        var items = new List<CheckItem>();
        items.AddRange(selection.Skipped.Select(s => CheckItem.Warn("all-databases", $"database {s}",
            "allow connections on the source (ALTER DATABASE … ALLOW_CONNECTIONS true) to move it, or move it another way")));
        foreach (var database in selection.Moved)
        {
            var report = await new PreflightRunner(options with
            {
                Source = options.Source.WithDatabase(database), Target = options.Target.WithDatabase(database), Roles = true,
            }).RunAsync(ct);
            items.AddRange(report.Items.Select(i => i with { Name = $"{database}: {i.Name}" }));
        }
        return new CheckReport(options.Source.ToString(), options.Target.ToString(), options.Online, items);
    }

    sealed class NoticeList(List<string> texts) : IProgressSink
    {
        public void Report(CopyEvent e)
        {
            if (e is Notice n) texts.Add(n.Text);
        }
    }
}
