namespace PgMove.Tests.Infrastructure;

/// <summary>
/// A test that needs a browser: skipped, with the reason, when chromium is not installed and CI is not set; under
/// CI=true it always runs (and fails without chromium), so CI never passes by skipping.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.Executable is null && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "browser test skipped: chromium is not installed and scripts/setup.sh could not install it (apt-get install chromium)";
    }
}
