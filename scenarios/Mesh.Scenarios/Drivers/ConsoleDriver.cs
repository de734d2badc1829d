using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// The mesh console in a real browser: Debian's Chromium driven by Playwright, headless, one per scenario. Waits are
/// Playwright's own (a condition evaluated in the page until it holds), never sleeps; screenshots go to artifacts/console.
/// </summary>
public sealed class ConsoleDriver(RunningMesh mesh) : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>How long a view may take to show what a step expects: the graph refreshes every 5 s over a Prometheus that scrapes every 2 s.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage? _page;

    public static string Artifacts => Path.Combine(Support.RunReport.RepositoryRoot(), "artifacts", "console");

    public IPage Page => _page ?? throw new InvalidOperationException("no console page is open yet");

    /// <summary>Opens a console page, logged in as the operator (through the login link the dashboard shows) unless told otherwise.</summary>
    public async Task<IPage> OpenAsync(string pathAndQuery, bool logIn = true)
    {
        var fresh = _page is null;
        if (_page is null)
        {
            if (!File.Exists(Chromium))
            {
                Assert.Fail($"{Chromium} is missing: apt-get install chromium (see README, Mesh console)");
            }

            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            });
            _page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 }, ReducedMotion = ReducedMotion.Reduce });
            _page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        }

        if (fresh && logIn)
        {
            await _page.GotoAsync(new Uri(mesh.ControlPlane, $"/console/login.html#key={mesh.OperatorCredential.ConsoleLoginKey}").ToString());
            try
            {
                // The login succeeded once the page is sent on to the graph (the session cookie is set by then); the page
                // asked for next is opened below, so the graph's own load is not waited for.
                await _page.WaitForURLAsync("**/console/graph.html", new() { WaitUntil = WaitUntilState.Commit });
            }
            catch (TimeoutException)
            {
                var status = await _page.EvaluateAsync<string>("() => document.getElementById('status')?.innerText ?? ''");
                Assert.Fail($"the console's login did not go on to the graph within {Patience.TotalSeconds} s; it is at {_page.Url} and says: '{status}'");
            }
        }

        await _page.GotoAsync(new Uri(mesh.ControlPlane, $"/console/{pathAndQuery}").ToString());
        return _page;
    }

    /// <summary>Waits until a JavaScript predicate over the page holds; on timeout the failure shows what the page said instead.</summary>
    public async Task WaitForAsync(string predicate, object? argument, string what, string evidence = "document.querySelector('main')?.innerText")
    {
        try
        {
            await Page.WaitForFunctionAsync(predicate, argument, new() { PollingInterval = 500, Timeout = (float)Patience.TotalMilliseconds });
        }
        catch (TimeoutException)
        {
            var shown = await Page.EvaluateAsync<string>($"() => {evidence}");
            Assert.Fail($"the console did not show {what} within {Patience.TotalSeconds} s; it showed:\n{shown}");
        }
    }

    /// <summary>The edge table under the graph: the numbers the picture is drawn from.</summary>
    public async Task<IReadOnlyList<EdgeRow>> EdgesAsync() =>
        JsonSerializer.Deserialize<EdgeRow[]>(await Page.EvaluateAsync<string>(
            "() => JSON.stringify([...document.querySelectorAll('#edge-table tbody tr')].map(r => ({ source: r.dataset.source, target: r.dataset.target, share: Number(r.dataset.share), rps: Number(r.dataset.rps), mtls: r.dataset.mtls })))"),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(Artifacts);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, $"{name}.png"), FullPage = true });
    }

    /// <summary>axe-core's findings for the page as it is now, at the impacts that block a user (serious and critical).</summary>
    public async Task<IReadOnlyList<AxeResultItem>> BlockingAccessibilityViolationsAsync()
    {
        var result = await Page.RunAxe();
        return result.Violations.Where(v => v.Impact is "serious" or "critical").ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    public sealed record EdgeRow(string Source, string Target, double Share, double Rps, string Mtls);
}
