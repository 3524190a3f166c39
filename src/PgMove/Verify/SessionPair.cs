using Npgsql;
using PgMove.Connections;

namespace PgMove.Verify;

/// <summary>A worker's two sessions, each inside its side's snapshot.</summary>
internal sealed record SessionPair(NpgsqlConnection Source, NpgsqlConnection Target)
{
    public NpgsqlConnection Get(Side side) => side == Side.Source ? Source : Target;
}
