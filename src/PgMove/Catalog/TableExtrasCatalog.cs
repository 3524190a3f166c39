using Npgsql;

namespace PgMove.Catalog;

/// <summary>
/// What pg_dump leaves out of a schema dump in pieces because it belongs to a table and to something else at once:
/// extended statistics (dumped only when both the table and the statistics' schema are) and publication memberships
/// (dumped only when both the table and the publication are). Piece 0 excludes the tables and the tables' pieces select
/// no schema or publication, so neither piece has them; they are read here, in the copy's snapshot.
/// </summary>
public static class TableExtrasCatalog
{
    /// <summary>An extended statistics object on one of the tables.</summary>
    /// <param name="Schema">Its schema.</param>
    /// <param name="Name">Its name.</param>
    /// <param name="TableSchema">The schema of its table.</param>
    /// <param name="Definition">pg_get_statisticsobjdef: the CREATE STATISTICS statement, qualified.</param>
    /// <param name="Target">Its statistics target when set (ALTER STATISTICS … SET STATISTICS), else null.</param>
    /// <param name="Owner">Its owner.</param>
    /// <param name="Comment">Its comment, if any.</param>
    public sealed record StatisticsObject(string Schema, string Name, string TableSchema, string Definition, int? Target,
        string Owner, string? Comment);

    /// <summary>One table of a publication (pg_publication_rel).</summary>
    /// <param name="Publication">The publication.</param>
    /// <param name="Schema">The table's schema.</param>
    /// <param name="Table">The table.</param>
    /// <param name="Columns">Its column list (PostgreSQL 15+), in attribute order; null for every column.</param>
    /// <param name="RowFilter">Its row filter (PostgreSQL 15+), as pg_get_expr prints it; null for every row.</param>
    public sealed record PublicationMember(string Publication, string Schema, string Table, IReadOnlyList<string>? Columns,
        string? RowFilter);

    /// <summary>The extended statistics on <paramref name="tables"/>, by schema and name.</summary>
    /// <param name="connection">A source session inside the snapshot.</param>
    /// <param name="tables">The tables' OIDs.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<StatisticsObject>> ReadStatisticsAsync(NpgsqlConnection connection,
        IReadOnlyList<uint> tables, CancellationToken ct)
    {
        // stxstattarget: absent before 13, -1 for "default" before 17, NULL for it from 17: read through jsonb, one
        // query for every version.
        const string sql = """
            SELECT n.nspname, s.stxname, tn.nspname, pg_get_statisticsobjdef(s.oid),
                   (to_jsonb(s) ->> 'stxstattarget')::int, pg_get_userbyid(s.stxowner), d.description
            FROM pg_statistic_ext s
            JOIN pg_namespace n ON n.oid = s.stxnamespace
            JOIN pg_class t ON t.oid = s.stxrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
            LEFT JOIN pg_description d ON d.classoid = 'pg_statistic_ext'::regclass AND d.objoid = s.oid AND d.objsubid = 0
            WHERE s.stxrelid = ANY($1)
            ORDER BY n.nspname, s.stxname
            """;
        var found = new List<StatisticsObject>();
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.Add(OidArray(tables));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            int? target = reader.IsDBNull(4) || reader.GetInt32(4) < 0 ? null : reader.GetInt32(4);
            found.Add(new StatisticsObject(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                target, reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return found;
    }

    /// <summary>The publications' memberships of <paramref name="tables"/>, by publication and table.</summary>
    /// <param name="connection">A source session inside the snapshot.</param>
    /// <param name="tables">The tables' OIDs.</param>
    /// <param name="ct">Cancels the query.</param>
    public static async Task<IReadOnlyList<PublicationMember>> ReadPublicationMembersAsync(NpgsqlConnection connection,
        IReadOnlyList<uint> tables, CancellationToken ct)
    {
        // Column lists and row filters came with PostgreSQL 15.
        var since15 = connection.PostgreSqlVersion.Major >= 15;
        var columns = since15
            ? """
              CASE WHEN pr.prattrs IS NULL THEN NULL ELSE
                (SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a
                 WHERE a.attrelid = pr.prrelid AND a.attnum = ANY(pr.prattrs)) END
              """
            : "NULL::name[]";
        var filter = since15 ? "pg_get_expr(pr.prqual, pr.prrelid)" : "NULL::text";
        var sql = $"""
            SELECT p.pubname, n.nspname, c.relname, {columns}, {filter}
            FROM pg_publication_rel pr
            JOIN pg_publication p ON p.oid = pr.prpubid
            JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE pr.prrelid = ANY($1)
            ORDER BY p.pubname, n.nspname, c.relname
            """;
        var found = new List<PublicationMember>();
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.Add(OidArray(tables));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add(new PublicationMember(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<string[]>(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        return found;
    }

    static NpgsqlParameter<uint[]> OidArray(IReadOnlyList<uint> oids) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid, TypedValue = oids.ToArray() };
}
