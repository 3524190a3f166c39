namespace PgMove.Catalog;

/// <summary>A relation the filters select or not.</summary>
/// <param name="Oid">The relation's OID.</param>
/// <param name="Schema">Its schema.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind">pg_class.relkind: r, p, S, v, m or f.</param>
/// <param name="OwnerTable">For a sequence owned by a table column (serial, identity): that table's OID; else 0.</param>
/// <param name="Parent">For a partition: its partitioned table's OID; else 0.</param>
public sealed record RelationInfo(uint Oid, string Schema, string Name, char Kind, uint OwnerTable = 0, uint Parent = 0);
