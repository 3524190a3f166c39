using Npgsql;
using PgMove.Catalog;
using PgMove.Connections;
using PgMove.Sql;

namespace PgMove.Schema;

/// <summary>
/// The statements a schema dump in pieces loses and pg_dump of the whole schema would have written in its post-data
/// section (see <see cref="TableExtrasCatalog"/>): CREATE STATISTICS with its target, owner and comment, and
/// ALTER PUBLICATION … ADD TABLE ONLY with its column list and row filter, written as pg_dump writes them. Run on the
/// target after the pieces' post-data.
/// </summary>
public sealed class SplitTableExtras
{
    readonly IReadOnlyList<TableExtrasCatalog.StatisticsObject> _statistics;
    readonly IReadOnlyList<TableExtrasCatalog.PublicationMember> _members;

    /// <param name="statistics">The statistics objects to create.</param>
    /// <param name="members">The publication memberships to add.</param>
    public SplitTableExtras(IReadOnlyList<TableExtrasCatalog.StatisticsObject> statistics,
        IReadOnlyList<TableExtrasCatalog.PublicationMember> members)
    {
        _statistics = statistics;
        _members = members;
    }

    /// <summary>The statistics objects to create (an archive's manifest keeps them).</summary>
    public IReadOnlyList<TableExtrasCatalog.StatisticsObject> Statistics => _statistics;

    /// <summary>The publication memberships to add (an archive's manifest keeps them).</summary>
    public IReadOnlyList<TableExtrasCatalog.PublicationMember> Members => _members;

    /// <summary>Nothing to add: a dump in one piece, or tables with neither.</summary>
    public static SplitTableExtras None { get; } = new([], []);

    /// <summary>
    /// Reads what the pieces lose for <paramref name="tables"/>, keeping what pg_dump of the whole schema under the
    /// same filters would have dumped: publications only without include filters (--schema, --table), statistics only
    /// without --table, and, under other filters, only those in their table's schema.
    /// </summary>
    /// <param name="connection">A source session inside the snapshot.</param>
    /// <param name="tables">The split tables' OIDs.</param>
    /// <param name="filters">The run's filters.</param>
    /// <param name="ct">Cancels the reads.</param>
    public static async Task<SplitTableExtras> ReadAsync(NpgsqlConnection connection, IReadOnlyList<uint> tables,
        Filters.FilterOptions filters, CancellationToken ct)
    {
        var statistics = filters.Tables.Count > 0 ? [] : await TableExtrasCatalog.ReadStatisticsAsync(connection, tables, ct);
        if (!filters.IsEmpty) statistics = statistics.Where(s => s.Schema == s.TableSchema).ToList();
        var members = filters.HasIncludes ? [] : await TableExtrasCatalog.ReadPublicationMembersAsync(connection, tables, ct);
        return new SplitTableExtras(statistics, members);
    }

    /// <summary>The statements, in order; without owners under <c>--no-owner</c>.</summary>
    /// <param name="noOwner">pg_restore's --no-owner: no ALTER … OWNER TO.</param>
    public IReadOnlyList<string> Statements(bool noOwner)
    {
        var statements = new List<string>();
        foreach (var s in _statistics)
        {
            var name = Quote.Qualified(s.Schema, s.Name);
            statements.Add(s.Definition);
            if (s.Target is { } target) statements.Add($"ALTER STATISTICS {name} SET STATISTICS {target}");
            if (!noOwner) statements.Add($"ALTER STATISTICS {name} OWNER TO {Quote.Ident(s.Owner)}");
            if (s.Comment is { } comment) statements.Add($"COMMENT ON STATISTICS {name} IS {Quote.Literal(comment)}");
        }
        foreach (var m in _members)
        {
            var columns = m.Columns is null ? "" : " " + Quote.ColumnList(m.Columns);
            // pg_get_expr does not parenthesize every expression (WHERE true): pg_dump adds them, so does this.
            var filter = m.RowFilter is null ? "" : $" WHERE ({m.RowFilter})";
            statements.Add($"ALTER PUBLICATION {Quote.Ident(m.Publication)} ADD TABLE ONLY {Quote.Qualified(m.Schema, m.Table)}{columns}{filter}");
        }
        return statements;
    }

    /// <summary>
    /// Runs the statements on the target. With <paramref name="again"/> (a resume redoing post-data), a statistics
    /// object or membership the interrupted run already made is let be.
    /// </summary>
    /// <param name="target">The target database.</param>
    /// <param name="noOwner">pg_restore's --no-owner.</param>
    /// <param name="again">Whether an interrupted run may have run them already.</param>
    /// <param name="ct">Cancels the statements.</param>
    public async Task RunAsync(ConnectionSpec target, bool noOwner, bool again, CancellationToken ct)
    {
        var statements = Statements(noOwner);
        if (statements.Count == 0) return;
        await using var connection = await PgSession.OpenAsync(target.ToNpgsql("pgmove post-data", maxPoolSize: 1), Side.Target,
            target.ToString(), ct);
        foreach (var statement in statements)
        {
            if (!again)
            {
                await PgSession.ExecuteAsync(connection, statement, ct);
                continue;
            }
            // Each in a transaction of its own, so that one already made leaves the session usable for the next.
            await using var tx = await connection.BeginTransactionAsync(ct);
            try
            {
                await PgSession.ExecuteAsync(connection, statement, ct);
                await tx.CommitAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.DuplicateTable)
            {
                await tx.RollbackAsync(ct);
            }
        }
    }
}
