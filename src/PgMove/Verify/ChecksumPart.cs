using Npgsql;
using PgMove.Connections;

namespace PgMove.Verify;

/// <summary>One checksum statement: a side of a table, whole or a block range [From, To).</summary>
internal sealed record ChecksumPart(TableCheck Table, Side Side, long? From, long? To, long Pages)
{
    public async Task RunAsync(NpgsqlConnection session, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Table.Sql.BlockChecksum(From, To), session);
        Table.Add(Side, await TableSql.ReadChecksumAsync(cmd, ct));
    }
}
