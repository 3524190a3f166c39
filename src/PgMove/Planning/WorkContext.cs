using Npgsql;
using PgMove.Connections;
using PgMove.Schema;
using PgMove.Sql;

namespace PgMove.Planning;

/// <summary>Everything items share during a run: the two sides, the snapshot, the schema archive.</summary>
public sealed class WorkContext
{
    public required ConnectionSpec Source { get; init; }
    public required ConnectionSpec Target { get; init; }
    /// <summary>Npgsql connection string for source sessions (read-only, pooled).</summary>
    public required string SourceConnectionString { get; init; }
    /// <summary>Npgsql connection string for target sessions (tuned for loading, pooled).</summary>
    public required string TargetConnectionString { get; init; }
    public required SnapshotHolder Snapshot { get; init; }
    public required SchemaArchive Archive { get; init; }
    public required RestoreOptions RestoreOptions { get; init; }
    public required int IndexJobs { get; init; }
    /// <summary>The maintenance_work_mem index builds share.</summary>
    public required Indexes.SortMemoryBudget SortMemory { get; init; }
    public required Progress.IProgressSink Sink { get; init; }
    /// <summary>
    /// Set by <c>pgmove restore</c>: the rows come from an archive's files instead of the source server, and no item
    /// that reads the source (or the snapshot) runs.
    /// </summary>
    public Data.IRowSource? Rows { get; init; }

    /// <summary>A source session inside a read-only transaction that sees the run's snapshot.</summary>
    public Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> OpenSourceInSnapshotAsync(CancellationToken ct) =>
        SnapshotHolder.OpenImportedAsync(SourceConnectionString, Source.ToString(), Snapshot.Id, ct);

    /// <summary>A target session with the loading settings.</summary>
    public Task<NpgsqlConnection> OpenTargetAsync(CancellationToken ct) =>
        PgSession.OpenAsync(TargetConnectionString, Side.Target, Target.ToString(), ct);
}
