namespace PgMove.Catalog;

/// <summary>A table constraint pgmove adds itself (primary key, unique, exclusion or foreign key).</summary>
/// <param name="Oid">The constraint's OID on the source (matches the archive's CONSTRAINT / FK CONSTRAINT entry).</param>
/// <param name="Type">pg_constraint.contype: p, u, x or f.</param>
/// <param name="Definition">pg_get_constraintdef, names schema-qualified.</param>
/// <param name="CanUseIndex">
/// True when ALTER TABLE … ADD CONSTRAINT … USING INDEX accepts the index (b-tree, plain columns, default
/// ordering, operator classes and collations, not deferrable): the unique index is then built first, with only a
/// SHARE lock, so several of a table's indexes build at once instead of queueing behind ACCESS EXCLUSIVE.
/// </param>
/// <param name="ReferencedIndexOid">For a foreign key: the unique index on the referenced table it relies on.</param>
/// <param name="TableOid">The constrained table's OID on the source.</param>
/// <param name="Name">The constraint's name.</param>
/// <param name="ReferencedTableOid">For a foreign key: the referenced table's OID; 0 otherwise.</param>
public sealed record ConstraintInfo(
    uint Oid,
    uint TableOid,
    string Name,
    char Type,
    string Definition,
    bool CanUseIndex,
    uint ReferencedTableOid = 0,
    uint ReferencedIndexOid = 0);
