namespace PgMove.Resume;

/// <summary>One table's file node and change counters (pg_stat_all_tables), as <see cref="SourceStatistics"/> records them.</summary>
/// <param name="FileNode">pg_relation_filenode: changes with TRUNCATE, VACUUM FULL, CLUSTER and rewriting ALTER TABLEs.</param>
/// <param name="Inserted">n_tup_ins.</param>
/// <param name="Updated">n_tup_upd.</param>
/// <param name="Deleted">n_tup_del.</param>
public sealed record TableCounters(long FileNode, long Inserted, long Updated, long Deleted);
