using PgMove.Connections;
using PgMove.Planning;

namespace PgMove.Analyze;

/// <summary>ANALYZE of one relation on the target, so the planner has statistics the moment the copy ends.</summary>
public sealed class AnalyzeItem(string qualifiedName, string displayName, long priority)
    : WorkItem($"analyze:{displayName}", WorkItemKind.Analyze, $"analyze {displayName}", priority)
{
    /// <summary>The relation analyzed, schema.name.</summary>
    public string DisplayName { get; } = displayName;

    public override async Task<WorkResult> RunAsync(WorkContext context, Action<long, long> progress, CancellationToken ct)
    {
        await using var target = await context.OpenTargetAsync(ct);
        await PgSession.ExecuteAsync(target, $"ANALYZE {qualifiedName}", ct);
        return WorkResult.None;
    }
}
