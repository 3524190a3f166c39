namespace PgMove.Catalog;

/// <summary>
/// An index of a plain table that pgmove builds itself, right after that table's rows are loaded, instead of
/// leaving it to pg_restore's post-data section (which waits for every table).
/// </summary>
/// <param name="TableOid">The table's OID on the source.</param>
/// <param name="IndexOid">The index's OID on the source (matches the archive's INDEX entry).</param>
/// <param name="Definition">pg_get_indexdef with every name schema-qualified.</param>
/// <param name="Constraint">The primary key, unique or exclusion constraint the index backs, if any.</param>
/// <param name="Clustered">ALTER TABLE … CLUSTER ON this index.</param>
/// <param name="ReplicaIdentity">ALTER TABLE … REPLICA IDENTITY USING INDEX this index.</param>
/// <param name="Name">The index's name.</param>
/// <param name="Bytes">The index's size on the source, what its build is expected to cost.</param>
public sealed record IndexInfo(
    uint TableOid,
    uint IndexOid,
    string Name,
    string Definition,
    ConstraintInfo? Constraint,
    bool Clustered,
    bool ReplicaIdentity,
    long Bytes);
