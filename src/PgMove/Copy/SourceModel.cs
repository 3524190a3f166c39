using Npgsql;
using PgMove.Catalog;
using PgMove.Filters;

namespace PgMove.Copy;

/// <summary>What a copy or a dump moves, as read from the source inside the snapshot: only what the filters select.</summary>
/// <param name="Database">The source database: name, encoding, locale, owner, its own settings.</param>
/// <param name="Tables">The tables whose rows are moved (with their --where condition).</param>
/// <param name="LargeObjects">The number of large objects moved (0 when the filters leave them out).</param>
/// <param name="Analyzable">Relations ANALYZE visits, with their size.</param>
/// <param name="Schemas">The source's schemas.</param>
/// <param name="Extensions">The source's extensions.</param>
/// <param name="Indexes">The indexes pgmove builds itself.</param>
/// <param name="ForeignKeys">The foreign keys pgmove adds itself.</param>
/// <param name="Slices">For split tables (copy's --split-larger-than): the condition of each slice.</param>
/// <param name="RestoreNeedsBuiltKeys">The rest of post-data refers to an index or key pgmove builds.</param>
/// <param name="Selection">What the filters select.</param>
internal sealed record SourceModel(DatabaseInfo Database, IReadOnlyList<TableInfo> Tables, long LargeObjects,
    IReadOnlyList<(string Schema, string Name, long Bytes)> Analyzable, IReadOnlyList<string> Schemas,
    IReadOnlyList<string> Extensions, IReadOnlyList<IndexInfo> Indexes, IReadOnlyList<ConstraintInfo> ForeignKeys,
    IReadOnlyDictionary<uint, IReadOnlyList<string>> Slices, bool RestoreNeedsBuiltKeys, Selection Selection)
{
    /// <summary>Reads the model in the caller's snapshot, unsliced; refuses a source user who may not read everything.</summary>
    /// <param name="connection">A source session inside the snapshot.</param>
    /// <param name="server">The source server.</param>
    /// <param name="selection">What the filters select.</param>
    /// <param name="ct">Cancels the queries.</param>
    /// <param name="besideIndexes">The indexes' read (IndexCatalog) already started on another session of the same
    /// snapshot; null: read here.</param>
    public static async Task<SourceModel> ReadAsync(NpgsqlConnection connection, ServerInfo server, Selection selection, CancellationToken ct,
        Task<(IReadOnlyList<IndexInfo>, IReadOnlyList<ConstraintInfo>)>? besideIndexes = null)
    {
        await CopyRunner.RequireReadableAsync(connection, server, selection, ct);
        var all = await TableCatalog.ReadAsync(connection, server.VersionNum, ct);
        var tables = all;
        var (indexes, foreignKeys) = await (besideIndexes ?? IndexCatalog.ReadAsync(connection, ct));
        if (!selection.IsEverything)
        {
            // Tables moved without rows keep their indexes and keys in pg_restore's post-data.
            tables = tables.Where(t => selection.CopiesRows(t.Oid)).Select(t => t with { Where = selection.WhereOf(t.Oid) }).ToList();
            indexes = indexes.Where(i => selection.CopiesRows(i.TableOid)).ToList();
            foreignKeys = foreignKeys.Where(f => selection.CopiesRows(f.TableOid) && selection.CopiesRows(f.ReferencedTableOid)).ToList();
        }
        return new SourceModel(
            await DatabaseCatalog.ReadCurrentAsync(connection, server.VersionNum, ct),
            tables,
            selection.LargeObjects ? await ObjectCatalog.CountLargeObjectsAsync(connection, ct) : 0,
            (await TableCatalog.ReadAnalyzableAsync(connection, ct, all)).Where(a => selection.IncludesName(a.Schema, a.Name)).ToList(),
            await ObjectCatalog.ReadSchemasAsync(connection, ct),
            await ObjectCatalog.ReadExtensionsAsync(connection, ct),
            indexes, foreignKeys, new Dictionary<uint, IReadOnlyList<string>>(),
            await IndexCatalog.IsReferencedByRestoreAsync(connection, indexes, foreignKeys, ct), selection);
    }
}
