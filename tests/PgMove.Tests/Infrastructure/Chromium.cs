using System.Diagnostics;

namespace PgMove.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, headless, to look at the HTML reports as a browser renders them: the DOM after rendering
/// (--dump-dom) and a screenshot. scripts/setup.sh installs it; <see cref="BrowserFactAttribute"/> skips a test when
/// it could not be installed, except under CI=true, where the test runs and fails.
/// </summary>
public static class Chromium
{
    /// <summary>The browser's path, or null when it is not installed.</summary>
    public static readonly string? Executable = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    /// <summary>The DOM of <paramref name="htmlFile"/> once chromium has loaded and rendered it.</summary>
    public static async Task<string> DumpDomAsync(string htmlFile) => (await RunAsync("--dump-dom", new Uri(htmlFile).AbsoluteUri)).Stdout;

    /// <summary>Renders <paramref name="htmlFile"/> into the PNG <paramref name="pngFile"/> (a tall window: the whole report).</summary>
    public static async Task ScreenshotAsync(string htmlFile, string pngFile)
    {
        File.Delete(pngFile);
        var result = await RunAsync($"--screenshot={pngFile}", "--window-size=1300,2400", "--hide-scrollbars", new Uri(htmlFile).AbsoluteUri);
        Assert.True(File.Exists(pngFile), $"chromium wrote no screenshot: {result.Stderr}");
    }

    static async Task<(string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        Assert.True(Executable is not null, "chromium is not installed (scripts/setup.sh installs it: apt-get install chromium)");
        var profile = Path.Combine(Path.GetTempPath(), "pgmove-tests", "chromium-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo(Executable!) { RedirectStandardOutput = true, RedirectStandardError = true };
        // No sandbox: the suite runs as root. No network: the report must need none, so a fetch would show as missing content.
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                                  "--host-resolver-rules=MAP * ~NOTFOUND", $"--user-data-dir={profile}" }.Concat(args))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        try { Directory.Delete(profile, true); } catch (IOException) { }
        return (await stdout, await stderr);
    }
}
