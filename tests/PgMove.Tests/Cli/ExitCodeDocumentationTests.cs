using System.Text.RegularExpressions;
using PgMove.Errors;
using PgMove.Tests.Infrastructure;

namespace PgMove.Tests.Cli;

/// <summary>The README's exit-code table, <c>pgmove --help</c> and the <see cref="ExitCode"/> enum say the same thing.</summary>
public sealed partial class ExitCodeDocumentationTests
{
    [Fact]
    public void Readme_table_lists_every_exit_code_with_its_meaning_and_nothing_else()
    {
        var table = ReadmeTable();
        var expected = ExitCodes.All.ToDictionary(c => (int)c, ExitCodes.Meaning);
        Assert.Equal(expected.Keys.Order(), table.Keys.Order());
        foreach (var (code, meaning) in expected)
            Assert.True(table[code] == meaning, $"exit code {code}: README says \"{table[code]}\", the code says \"{meaning}\"");
    }

    [Fact]
    public async Task Help_lists_every_exit_code_with_its_meaning()
    {
        var help = await PgMoveProcess.RunAsync("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var code in ExitCodes.All)
            Assert.Matches(new Regex($@"^\s*{(int)code}\s+{Regex.Escape(ExitCodes.Meaning(code))}$", RegexOptions.Multiline), help.Stdout);
    }

    /// <summary>The rows under "| exit code | meaning |", backticks (Markdown code) removed.</summary>
    static Dictionary<int, string> ReadmeTable()
    {
        var lines = RepositoryFiles.Read("README.md").Split('\n');
        var header = Array.FindIndex(lines, l => l.Trim() == "| exit code | meaning |");
        Assert.True(header >= 0, "README has no \"| exit code | meaning |\" table");
        var rows = new Dictionary<int, string>();
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var m = Row().Match(line);
            Assert.True(m.Success, $"not a row of the exit-code table: {line}");
            rows.Add(int.Parse(m.Groups[1].Value), m.Groups[2].Value.Replace("`", "").Trim());
        }
        return rows;
    }

    [GeneratedRegex(@"^\|\s*(\d+)\s*\|(.*)\|\s*$")]
    private static partial Regex Row();
}
