using PgMove.Copy;
using PgMove.Globals;

namespace PgMove.Instance;

/// <summary>What <c>copy --all-databases</c> did: the roles, then each database's copy.</summary>
/// <param name="Source">The source instance, as it may be shown.</param>
/// <param name="Target">The target instance, as it may be shown.</param>
/// <param name="Elapsed">Wall time of the whole run.</param>
/// <param name="Roles">The roles step (every role of the instance).</param>
/// <param name="Databases">Each database's copy, by name.</param>
/// <param name="Skipped">Databases left out, with why.</param>
public sealed record InstanceCopySummary(
    string Source,
    string Target,
    TimeSpan Elapsed,
    RolesReport Roles,
    IReadOnlyDictionary<string, CopySummary> Databases,
    IReadOnlyList<string> Skipped);
