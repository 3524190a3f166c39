using System.Text.Json;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Preflight;

/// <summary>One run of <c>pgmove check --json</c> and its parsed report.</summary>
public sealed class CheckRun
{
    public required PgMoveProcess.Result Process { get; init; }
    public required IReadOnlyDictionary<string, (string Verdict, string Evidence, string? Fix)> Items { get; init; }

    public static async Task<CheckRun> RunAsync(params string[] args)
    {
        var result = await PgMoveProcess.RunAsync(["check", "--json", .. args]);
        var items = new Dictionary<string, (string, string, string?)>();
        if (result.Stdout.TrimStart().StartsWith('{'))
        {
            using var json = JsonDocument.Parse(result.Stdout);
            foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
                items[item.GetProperty("name").GetString()!] = (item.GetProperty("verdict").GetString()!,
                    item.GetProperty("evidence").GetString()!,
                    item.GetProperty("fix").ValueKind == JsonValueKind.Null ? null : item.GetProperty("fix").GetString());
        }
        return new CheckRun { Process = result, Items = items };
    }

    /// <summary>Asserts the item's verdict and returns its evidence and fix for further assertions.</summary>
    public (string Evidence, string? Fix) Expect(string name, string verdict)
    {
        Assert.True(Items.ContainsKey(name), $"no item {name}\n{Process}");
        var (actual, evidence, fix) = Items[name];
        Assert.True(actual == verdict, $"{name}: expected {verdict}, got {actual}: {evidence} / {fix}\n{Process}");
        return (evidence, fix);
    }

    public void ExpectExit(int code) => Assert.True(Process.ExitCode == code, Process.ToString());
}
