using Npgsql;
using PgMove.Cli.Rendering;
using PgMove.Errors;

namespace PgMove.Cli.Commands;

/// <summary>Runs a command body and turns its outcome into one error line and a documented exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(Func<Display, CancellationToken, Task> body, bool json, CancellationToken ct)
    {
        await using var display = new Display(json);
        try
        {
            await body(display, ct);
            return (int)ExitCode.Success;
        }
        catch (PgMoveException e)
        {
            return display.Fail(e.Message, e.ExitCode);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return display.Fail("interrupted", ExitCode.Interrupted);
        }
        catch (PostgresException e)
        {
            return display.Fail($"{e.Severity} {e.SqlState}: {e.MessageText}", ExitCode.StepFailed);
        }
        catch (NpgsqlException e)
        {
            return display.Fail(e.Message, ExitCode.ConnectionFailed);
        }
        catch (Exception e)
        {
            return display.Fail($"internal error: {e}", ExitCode.InternalError);
        }
    }
}
