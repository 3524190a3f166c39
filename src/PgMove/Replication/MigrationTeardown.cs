using Npgsql;
using PgMove.Catalog;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// The end of a migration once the target is released: the record says "cut over" (so the sync stops for good
/// instead of reporting a failure), a native subscription (--apply native) is dropped, the sync's walsender is
/// ended, and the slot, publication and origin are dropped. The fence stays: the old source is retired.
/// </summary>
internal static class MigrationTeardown
{
    /// <summary>Returns what could not be dropped (empty when everything was).</summary>
    public static async Task<IReadOnlyList<string>> FinishAsync(NpgsqlConnection admin, NpgsqlConnection target, MigrationNames names,
        MigrationRecord record, CancellationToken ct)
    {
        var problems = new List<string>();
        await Attempt(problems, "mark the migration cut over", () => MigrationRecordStore.WriteAsync(admin, names.Publication, record with { State = MigrationState.CutOver }, ct));
        await Attempt(problems, $"drop the native subscription {names.Id} on the target", () => NativeApply.DropAsync(names, ct));
        await Attempt(problems, $"drop slot {names.Slot} on the source", async () =>
        {
            await using (var cmd = new NpgsqlCommand(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL", admin)
                { Parameters = { new() { Value = names.Slot } } })
                await cmd.ExecuteNonQueryAsync(ct);
            await SourceSetup.DropSlotAsync(admin, names.Slot, ct);
        });
        await Attempt(problems, $"drop publication {names.Publication} on the source", () => SourceSetup.DropPublicationAsync(admin, names.Publication, ct));
        await Attempt(problems, $"drop origin {names.Origin} on the target", () => TargetOrigin.DropAsync(target, names.Origin, ct));
        return problems;
    }

    static async Task Attempt(List<string> problems, string what, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is NpgsqlException or PgMoveException)
        {
            problems.Add($"could not {what} ({e.Message}); `pgmove cleanup` with the same --source and --target drops what is left");
        }
    }
}
