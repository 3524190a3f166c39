using System.Collections.Concurrent;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using PgMove.Sql;

namespace PgMove.Replication;

/// <summary>
/// A published table as the applier writes it: the columns of the source's Relation message, each with the target's
/// type (values arrive as text and are cast on the server), and the SQL for each shape of change, built once.
/// </summary>
internal sealed class ApplyTable
{
    // Filled by the preparing stage and the target session at once.
    readonly ConcurrentDictionary<string, string> _sql = new(StringComparer.Ordinal);

    public ApplyTable(string schema, string name, string signature, IReadOnlyList<string> columns, IReadOnlyList<string> types,
        IReadOnlyList<bool> key, IReadOnlyList<bool> identityAlways)
    {
        Schema = schema;
        Name = name;
        Signature = signature;
        Columns = columns;
        Types = types;
        Key = key;
        IdentityAlways = identityAlways;
        QualifiedName = Quote.Qualified(schema, name);
    }

    public string Schema { get; }
    public string Name { get; }
    public string QualifiedName { get; }
    /// <summary>Column names, type oids and modifiers of the Relation message: a new signature means a new shape.</summary>
    public string Signature { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<string> Types { get; }
    public IReadOnlyList<bool> Key { get; }
    public IReadOnlyList<bool> IdentityAlways { get; }
    public string DisplayName => $"{Schema}.{Name}";

    public NpgsqlBatchCommand Insert(RowImage row)
    {
        var sql = Sql("I", () =>
        {
            if (Columns.Count == 0) return $"INSERT INTO {QualifiedName} DEFAULT VALUES";
            var sb = new StringBuilder($"INSERT INTO {QualifiedName} {Quote.ColumnList(Columns)}");
            if (IdentityAlways.Any(a => a)) sb.Append(" OVERRIDING SYSTEM VALUE");
            sb.Append(" VALUES (");
            for (var i = 0; i < Columns.Count; i++) sb.Append(i > 0 ? ", " : "").Append(Parameter(i + 1, i));
            return sb.Append(')').ToString();
        });
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < Columns.Count; i++) Add(command, row.Values[i]);
        return command;
    }

    /// <summary>The UPDATE, or null when no column changed that the target may take (all unchanged TOAST values).</summary>
    public NpgsqlBatchCommand? Update(RowImage? old, bool oldIsFull, RowImage row)
    {
        var set = new List<int>();
        for (var i = 0; i < Columns.Count; i++)
            if (!row.IsUnchanged(i) && !IdentityAlways[i]) set.Add(i);
        if (set.Count == 0) return null;
        var (whereShape, where, whereImage) = Where(old ?? row, oldIsFull && old is not null);
        var sql = Sql("U" + Mask(set) + whereShape, () =>
        {
            var sb = new StringBuilder($"UPDATE ONLY {QualifiedName} SET ");
            for (var p = 0; p < set.Count; p++)
                sb.Append(p > 0 ? ", " : "").Append(Quote.Ident(Columns[set[p]])).Append(" = ").Append(Parameter(p + 1, set[p]));
            return sb.Append(WhereSql(where, oldIsFull && old is not null, set.Count + 1)).ToString();
        });
        var command = new NpgsqlBatchCommand(sql);
        foreach (var i in set) Add(command, row.Values[i]);
        foreach (var i in where) Add(command, whereImage.Values[i]);
        return command;
    }

    public NpgsqlBatchCommand Delete(RowImage old, bool oldIsFull)
    {
        var (whereShape, where, image) = Where(old, oldIsFull);
        var sql = Sql("D" + whereShape, () => $"DELETE FROM ONLY {QualifiedName}{WhereSql(where, oldIsFull, 1)}");
        var command = new NpgsqlBatchCommand(sql);
        foreach (var i in where) Add(command, image.Values[i]);
        return command;
    }

    /// <summary>The columns that find the row: the replica identity key, or with FULL every sent column of the old row.</summary>
    (string Shape, List<int> Columns, RowImage Image) Where(RowImage image, bool full)
    {
        var where = new List<int>();
        for (var i = 0; i < Columns.Count; i++)
            if ((full || Key[i]) && !image.IsUnchanged(i)) where.Add(i);
        if (!full && where.Count == 0)
            throw new InvalidOperationException($"{DisplayName}: the change carries no replica identity key to find the row by");
        return ((full ? "F" : "K") + Mask(where), where, image);
    }

    string WhereSql(List<int> where, bool full, int firstParameter)
    {
        var sb = new StringBuilder();
        if (full)
        {
            // Without a key, duplicates are indistinguishable: change exactly one of them, as the source did.
            // Text comparison because json, xml, point... have no equality operator; text forms of equal values match.
            sb.Append($" WHERE ctid = (SELECT ctid FROM ONLY {QualifiedName}");
            for (var p = 0; p < where.Count; p++)
                sb.Append(p == 0 ? " WHERE " : " AND ").Append(Quote.Ident(Columns[where[p]]))
                  .Append("::text IS NOT DISTINCT FROM (").Append(Parameter(firstParameter + p, where[p])).Append(")::text");
            return sb.Append(" LIMIT 1)").ToString();
        }
        for (var p = 0; p < where.Count; p++)
            sb.Append(p == 0 ? " WHERE " : " AND ").Append(Quote.Ident(Columns[where[p]])).Append(" = ")
              .Append(Parameter(firstParameter + p, where[p]));
        return sb.ToString();
    }

    // The type comes from the target's format_type(): a type expression the server produced, already quoted.
    string Parameter(int number, int column) => $"${number}::{Types[column]}";

    /// <summary>The SQL of one shape of statement, built by <paramref name="build"/> the first time (any thread).</summary>
    public string Sql(string shape, Func<string> build) => _sql.TryGetValue(shape, out var sql) ? sql : _sql.GetOrAdd(shape, _ => build());

    static string Mask(List<int> columns) => string.Join(',', columns);

    static void Add(NpgsqlBatchCommand command, string? value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = (object?)value ?? DBNull.Value });
}
