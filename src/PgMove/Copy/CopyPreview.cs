using PgMove.Planning;
using PgMove.Target;

namespace PgMove.Copy;

/// <summary>
/// What <c>copy --dry-run</c> found and would do, read from both servers without changing either: the plan's items
/// in the order they would be ready, what each waits for, the sessions it opens and what it would create or drop.
/// </summary>
/// <param name="Source">The source, without password.</param>
/// <param name="Target">The target, without password.</param>
/// <param name="SourceVersion">The source server's version.</param>
/// <param name="TargetVersion">The target server's version.</param>
/// <param name="Tool">The pg_dump/pg_restore that would run.</param>
/// <param name="TargetDatabase">What happens to the target database: created (with encoding and locale) or used.</param>
/// <param name="Clean">With --clean on a non-empty target: what it would drop (every object named); otherwise null.</param>
/// <param name="SourceSessions">Sessions opened on the source at most.</param>
/// <param name="TargetSessions">Sessions opened on the target at most.</param>
/// <param name="Jobs">--jobs.</param>
/// <param name="IndexJobs">--index-jobs.</param>
/// <param name="Items">The plan's items, in the order they would become ready.</param>
/// <param name="Notes">What else the run would do (roles, owner mapping, tuning).</param>
public sealed record CopyPreview(string Source, string Target, string SourceVersion, string TargetVersion, string Tool,
    string TargetDatabase, CleanPlan? Clean, int SourceSessions, int TargetSessions, int Jobs, int IndexJobs,
    IReadOnlyList<CopyPreview.Step> Items, IReadOnlyList<string> Notes)
{
    /// <summary>One item of the plan.</summary>
    /// <param name="Number">Its number in <see cref="Items"/> (1-based).</param>
    /// <param name="Kind">schema, table data, index, constraint, analyze…</param>
    /// <param name="Label">What it does, e.g. "copy public.orders".</param>
    /// <param name="After">The numbers of the items it waits for.</param>
    public sealed record Step(int Number, string Kind, string Label, IReadOnlyList<int> After);

    /// <summary>Numbers the items in dependency order (each after what it waits for, ties as the plan lists them).</summary>
    public static IReadOnlyList<Step> Steps(IReadOnlyList<WorkItem> items)
    {
        var order = new List<WorkItem>();
        var placed = new HashSet<WorkItem>();
        while (order.Count < items.Count)
        {
            var ready = items.Where(i => !placed.Contains(i) && i.Dependencies.All(placed.Contains)).ToList();
            if (ready.Count == 0) throw new InvalidOperationException("the copy plan has a dependency cycle");
            foreach (var item in ready) { order.Add(item); placed.Add(item); }
        }
        var number = order.Select((item, index) => (item, index)).ToDictionary(p => p.item, p => p.index + 1);
        return order.Select(i => new Step(number[i], i.Kind.ToString(), i.Label,
            i.Dependencies.Select(d => number[d]).Order().ToList())).ToList();
    }
}
