using Npgsql;
using Npgsql.Replication.PgOutput.Messages;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Errors;

namespace PgMove.Replication;

/// <summary>
/// Turns pgoutput Relation messages into <see cref="ApplyTable"/>s, checking each new shape against the target table:
/// DDL is not replicated, so a source table whose columns or types no longer match the target stops the sync.
/// </summary>
internal sealed class RelationResolver(string sourceCs, string targetCs, string sourceDisplay, string targetDisplay) : IAsyncDisposable
{
    readonly Dictionary<uint, ApplyTable> _tables = [];
    NpgsqlConnection? _target;

    public ApplyTable Get(uint relationId) =>
        _tables.TryGetValue(relationId, out var table) ? table
            : throw new InvalidOperationException($"change for relation {relationId} before its Relation message");

    /// <summary>The table for this message, or the reason the stream cannot be applied to the target.</summary>
    public async Task<(ApplyTable? Table, string? Stop)> ResolveAsync(RelationMessage message, CancellationToken ct)
    {
        var columns = message.Columns.Select(c => (c.ColumnName, c.DataTypeId, c.TypeModifier, Key: c.Flags.HasFlag(RelationMessage.Column.ColumnFlags.PartOfKey))).ToList();
        var signature = string.Join(";", columns.Select(c => $"{c.ColumnName}:{c.DataTypeId}:{c.TypeModifier}:{c.Key}"));
        if (_tables.TryGetValue(message.RelationId, out var known) && known.Signature == signature) return (known, null);

        var display = $"{message.Namespace}.{message.RelationName}";
        var target = await ReadTargetAsync(message.Namespace, message.RelationName, ct);
        if (target is null)
            return (null, $"table {display} is not on the target any more; recreate it there, or run `pgmove cleanup` and start over");
        var sourceTypes = await FormatSourceTypesAsync(columns.Select(c => (c.DataTypeId, c.TypeModifier)).ToList(), ct);

        var targetByName = target.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var sourceShape = columns.Select((c, i) => $"{c.ColumnName} {sourceTypes[i]}").ToList();
        var targetShape = target.Select(c => $"{c.Name} {c.Type}").ToList();
        if (!sourceShape.Order(StringComparer.Ordinal).SequenceEqual(targetShape.Order(StringComparer.Ordinal)))
        {
            var change = known is null ? "differs from the target's" : "changed while syncing";
            return (null, $"table {display} {change} (DDL is not replicated): source ({string.Join(", ", sourceShape)}), " +
                          $"target ({string.Join(", ", targetShape)}); make the target table match (e.g. the same ALTER TABLE), " +
                          "then run `pgmove sync` again to continue from where it stopped");
        }
        var table = new ApplyTable(message.Namespace, message.RelationName, signature,
            columns.Select(c => c.ColumnName).ToList(),
            columns.Select(c => targetByName[c.ColumnName].Type).ToList(),
            columns.Select(c => c.Key).ToList(),
            columns.Select(c => targetByName[c.ColumnName].IdentityAlways).ToList());
        _tables[message.RelationId] = table;
        return (table, null);
    }

    /// <summary>
    /// format_type() on the source, in a pooled session; tried once more in a new one when the pooled session was
    /// ended meanwhile (an aborted cutover's fence ends the source's idle sessions).
    /// </summary>
    async Task<IReadOnlyList<string>> FormatSourceTypesAsync(IReadOnlyList<(uint, int)> types, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var source = await PgSession.OpenAsync(sourceCs, Side.Source, sourceDisplay, ct);
                return await ReplicationCatalog.FormatTypesAsync(source, types, ct);
            }
            catch (Exception e) when (attempt == 0 && e is NpgsqlException or PgMoveException)
            {
                using var stale = new NpgsqlConnection(sourceCs);
                NpgsqlConnection.ClearPool(stale);
            }
        }
    }

    async Task<IReadOnlyList<TargetColumn>?> ReadTargetAsync(string schema, string name, CancellationToken ct)
    {
        _target ??= await PgSession.OpenAsync(targetCs, Side.Target, targetDisplay, ct);
        return await ReplicationCatalog.ReadTargetColumnsAsync(_target, schema, name, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_target is not null) await _target.DisposeAsync();
    }
}
