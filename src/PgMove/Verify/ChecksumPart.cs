using Npgsql;
using PgMove.Connections;

namespace PgMove.Verify;

/// <summary>One checksum statement: a side of a table, whole or a block range [From, To); a row count alone when <paramref name="CountsOnly"/>.</summary>
internal sealed record ChecksumPart(TableCheck Table, Side Side, long? From, long? To, long Pages, bool CountsOnly = false)
{
    public async Task RunAsync(NpgsqlConnection session, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Table.Sql.BlockChecksum(From, To, CountsOnly, Side), session);
        Table.Add(Side, await TableSql.ReadChecksumAsync(cmd, ct));
    }
}
