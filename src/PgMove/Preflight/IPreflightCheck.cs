namespace PgMove.Preflight;

/// <summary>One check, or a small family of related ones: reads both sides through the context, changes nothing.</summary>
public interface IPreflightCheck
{
    /// <summary>The item name reported when the check itself cannot run (e.g. a catalog the user may not read).</summary>
    string Name { get; }

    Task<IReadOnlyList<CheckItem>> RunAsync(PreflightContext context, CancellationToken ct);
}
