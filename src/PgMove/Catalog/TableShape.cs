namespace PgMove.Catalog;

/// <summary>What a migration needs to know about a table's keys, persistence and replica identity.</summary>
/// <param name="Name">Schema-qualified, quoted as needed (regclass text).</param>
/// <param name="Kind">relkind: 'r' table, 'p' partitioned table, 'f' foreign table.</param>
/// <param name="HasKey">A primary key, or a valid unique index on NOT NULL plain columns.</param>
/// <param name="TextKeyColumns">Primary key columns of type text, varchar or char.</param>
/// <param name="ReplicaIdentityOk">UPDATE and DELETE can be published: replica identity FULL, or a usable key/index.</param>
/// <param name="ReplicaIdentity">relreplident: 'd' default, 'n' nothing, 'f' full, 'i' index.</param>
/// <param name="Unlogged">An UNLOGGED table.</param>
/// <param name="HasPrimaryKey">The table has a primary key.</param>
/// <param name="Oid">The table's OID (to match the filters' selection).</param>
public sealed record TableShape(
    uint Oid,
    string Name,
    char Kind,
    bool Unlogged,
    bool HasPrimaryKey,
    bool HasKey,
    IReadOnlyList<string> TextKeyColumns,
    char ReplicaIdentity,
    bool ReplicaIdentityOk);
