namespace PgMove.Catalog;

/// <summary>
/// One schema object as verify compares it: its kind ("table", "index", ...), a name unique within the kind and a
/// definition text that is equal on two servers exactly when the objects are the same.
/// </summary>
/// <param name="Owner">The owning role, for objects that have one (compared only with --acl).</param>
/// <param name="Acl">The privileges (aclitem[] text, null for the defaults), compared only with --acl.</param>
/// <param name="Kind">The kind of object: "table", "index", "function", ...</param>
/// <param name="Name">A name unique within the kind (schema-qualified where it applies).</param>
/// <param name="Definition">The definition text compared across the two servers.</param>
public sealed record SchemaObject(string Kind, string Name, string Definition, string? Owner, string? Acl);
