namespace PgMove.Catalog;

/// <summary>
/// What counts as the user's own objects, the same in every catalog query (copy, check, verify, sync): not in a
/// system, TOAST or temporary schema, and not a member of an extension (the extension stands for it). Table aliases:
/// <c>n</c> for pg_namespace, <c>c</c> for pg_class.
/// </summary>
internal static class CatalogScope
{
    /// <summary>The schema <c>n</c> is a user schema.</summary>
    public const string UserSchema =
        "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

    /// <summary>The relation <c>c</c> does not belong to an extension.</summary>
    public const string NotExtensionRelation =
        "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')";

    /// <summary>The object <paramref name="oid"/> (an SQL expression) of <paramref name="catalog"/> does not belong to an extension.</summary>
    public static string NotExtensionMember(string catalog, string oid) =>
        $"NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass AND d.objid = {oid} AND d.deptype = 'e')";
}
