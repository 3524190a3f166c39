using Npgsql;
using PgMove.Connections;

namespace PgMove.Verify;

/// <summary>A worker's two sessions, each inside its side's snapshot.</summary>
internal sealed class SessionPair(NpgsqlConnection source, NpgsqlConnection target) : IAsyncDisposable
{
    public NpgsqlConnection Source { get; } = source;
    public NpgsqlConnection Target { get; } = target;

    public NpgsqlConnection Get(Side side) => side == Side.Source ? Source : Target;

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await Target.DisposeAsync();
    }
}
