using PgMove.Copy;
using PgMove.Planning;

namespace PgMove.Tests.Copy;

/// <summary>Pure plan shape (no server).</summary>
public sealed class CopyPlanTests
{
    [Fact]
    public void Post_data_of_a_database_without_tables_waits_for_the_schema_dump_and_pre_data()
    {
        // Found by copy --all-databases: the empty "postgres" database's post-data restore started while its
        // schema dump was still being written ("input file is too short").
        var items = CopyPlan.Build(new CopyPlan.Input([], 0, [], [], [], new Dictionary<uint, IReadOnlyList<string>>(), 3, false));
        var postData = items.Single(i => i.Kind == WorkItemKind.PostData);
        Assert.Contains(items.Single(i => i.Kind == WorkItemKind.Schema && i.Dependencies.Count == 1), postData.Dependencies);
    }
}
