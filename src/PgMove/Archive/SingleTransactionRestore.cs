using Npgsql;
using PgMove.Connections;
using PgMove.Data;
using PgMove.Schema;
using PgMove.Sequences;

namespace PgMove.Archive;

/// <summary>
/// <c>restore --single-transaction</c>: everything in one session and one transaction, one step after the other
/// (pre-data as SQL from pg_restore, each table's rows with COPY FREEZE, post-data, sequences, large objects,
/// ANALYZE), so a failure anywhere leaves the target database as it was. Slower than the parallel plan, by design.
/// </summary>
static class SingleTransactionRestore
{
    /// <summary>Runs the restore; returns the rows loaded.</summary>
    /// <remarks><paramref name="clean"/> (--clean's drops) runs first, inside the transaction.</remarks>
    public static async Task<long> RunAsync(NpgsqlConnection session, ConnectionSpec target, PgToolset tools, string schemaPath,
        ArchiveManifest manifest, string directory, RestoreOptions restore, Action<string> log, Func<CancellationToken, Task> clean,
        CancellationToken ct)
    {
        var preData = await ScriptAsync(tools, schemaPath, target, "pre-data", restore, ct);
        var postData = await ScriptAsync(tools, schemaPath, target, "post-data", restore, ct);
        await using var tx = await session.BeginTransactionAsync(ct);
        await clean(ct);
        log("single transaction: pre-data");
        await PgSession.ExecuteAsync(session, preData, ct);
        var rows = new ArchiveRows(directory, manifest);
        long loaded = 0;
        foreach (var table in manifest.Tables.Select(t => t.Table))
        {
            await using var input = await rows.OpenAsync(table, ct);
            await using (var copy = await BeginImportAsync(session, TableLoader.CopyInSql(table, freeze: true), table.BinarySafe, ct))
                await input.CopyToAsync(copy, ct);
            loaded += manifest.Files[manifest.Tables.First(t => t.Table.Oid == table.Oid).File].Rows ?? 0;
        }
        log("single transaction: post-data, sequences, large objects, ANALYZE");
        await PgSession.ExecuteAsync(session, postData, ct);
        await SequenceSetItem.SetAsync(session, manifest.Sequences, ct);
        if (manifest.LargeObjects > 0)
        {
            var file = manifest.Files[ArchiveManifest.LargeObjectsFile];
            await using var objects = await ArchiveFiles.OpenCheckedAsync(directory, ArchiveManifest.LargeObjectsFile, file, "large objects", ct);
            await ArchiveLargeObjectsItem.LoadAsync(session, objects, ct);
        }
        await PgSession.ExecuteAsync(session, "ANALYZE", ct);
        await tx.CommitAsync(ct);
        return loaded;
    }

    /// <summary>One section of the schema archive as SQL, without psql's \restrict lines (the session is not psql).</summary>
    static async Task<string> ScriptAsync(PgToolset tools, string schemaPath, ConnectionSpec target, string section, RestoreOptions restore,
        CancellationToken ct)
    {
        var args = new List<string> { $"--section={section}", "--file=-" };
        if (restore.NoOwner) args.Add("--no-owner");
        if (restore.NoAcl) args.Add("--no-acl");
        args.Add(schemaPath);
        var text = await ToolRunner.RunAsync(tools.PgRestore, args, target, new Dictionary<string, string>(), $"pg_restore of the {section} section", ct);
        return string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("\\restrict ", StringComparison.Ordinal)
                                                           && !l.StartsWith("\\unrestrict ", StringComparison.Ordinal)));
    }

    static async Task<Stream> BeginImportAsync(NpgsqlConnection session, string sql, bool binary, CancellationToken ct) =>
        binary ? await session.BeginRawBinaryCopyAsync(sql, ct)
            : ((StreamWriter)await session.BeginTextImportAsync(sql, ct)).BaseStream;
}
